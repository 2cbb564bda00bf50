// The history a phone syncs to the newly paired gateway goes into Chatwoot
// when the instance asks for it: contacts with importContacts, messages of the
// last daysLimitImportMessages days with importMessages; a second sync makes
// nothing twice.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { openDb } from '../lib/db/knex.js';
import type { Api } from './support/api.js';
import { ChatwootPeer } from './support/chatwoot-peer/peer.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv, waitForState } from './support/paired.js';
import { testDatabaseConfig } from './support/test-database.js';
import { WaEmulator, type PhoneHistory } from './support/whatsapp-emulator/index.js';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);

/** Alice and Bob write; Carol is only in the address book. Numbers are per phone so accounts never mix. */
function people(owner: string) {
  const n = Number(owner);
  return { alice: `${n + 1}`, bob: `${n + 2}`, carol: `${n + 3}`, dave: `${n + 4}` };
}
const jid = (number: string) => `${number}@s.whatsapp.net`;

function history(owner: string, extra = false): PhoneHistory {
  const { alice, bob, carol, dave } = people(owner);
  return {
    conversations: [
      {
        jid: jid(alice),
        name: 'Alice',
        messages: [
          { id: `${owner}-A1`, fromMe: false, text: 'happy new month', timestamp: NOW - 30 * DAY, pushName: 'Alice' },
          { id: `${owner}-A2`, fromMe: false, text: 'are you *coming*?', timestamp: NOW - 5 * DAY, pushName: 'Alice' },
          { id: `${owner}-A3`, fromMe: true, text: 'yes, at eight', timestamp: NOW - 5 * DAY + 60 },
          ...(extra ? [{ id: `${owner}-A4`, fromMe: false, text: 'see you', timestamp: NOW - 60, pushName: 'Alice' }] : []),
        ],
      },
      {
        jid: jid(bob),
        name: 'Bob',
        messages: [
          { id: `${owner}-B1`, fromMe: false, text: 'call me', timestamp: NOW - 3 * 3600, pushName: 'Bob' },
          ...(extra ? [{ id: `${owner}-B2`, fromMe: false, text: 'still there?', timestamp: NOW - 60, pushName: 'Bob' }] : []),
        ],
      },
    ],
    contacts: [
      { jid: jid(alice), name: 'Alice' },
      { jid: jid(bob), name: 'Bob' },
      { jid: jid(carol), name: 'Carol' },
      ...(extra ? [{ jid: jid(dave), name: 'Dave' }] : []),
    ],
  };
}

describe('WhatsApp history imported into Chatwoot', function () {
  this.timeout(120_000);
  let wa: WaEmulator;
  let peer: ChatwootPeer;
  let gateway: GatewayProcess;
  let api: Api;
  let db: Knex;

  before(async () => {
    wa = await WaEmulator.start();
    peer = await ChatwootPeer.start();
    gateway = await GatewayProcess.start({
      env: { ...emulatorEnv(wa), OUTBOX_POLL_MS: '50', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_RETRY_MAX_MS: '200', CHATWOOT_ENABLED: 'true', CHATWOOT_BOT_CONTACT: 'false' },
    });
    api = gateway.api();
    db = openDb(await testDatabaseConfig(gateway.dataDir));
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log('LOGS', gateway.logs.slice(-30).map((l) => JSON.stringify(l)).join('\n'));
  });

  after(async () => {
    await db?.destroy();
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await peer?.stop();
  });

  /** An instance with its own Chatwoot account that pairs with a phone holding `history(owner)`. */
  async function pairWithHistory(name: string, owner: string, fields: Record<string, unknown>) {
    const account = peer.addAccount(name);
    wa.giveHistory(owner, history(owner));
    const { instanceId } = await createPaired(api, wa, name, owner, {
      chatwootAccountId: String(account.id),
      chatwootToken: account.token,
      chatwootUrl: peer.url,
      ...fields,
    });
    return { accountId: account.id, instanceId };
  }

  /** Logs out and pairs again: the phone syncs its history, now with a newer message in each chat and Dave. */
  async function pairAgain(name: string, owner: string) {
    expect((await api.delete(`/instance/logout/${name}`)).status).to.equal(200);
    await eventually(() => wa.connections(owner) === 0, 5_000, 'the socket closed');
    wa.giveHistory(owner, history(owner, true));
    const connect = await api.get(`/instance/connect/${name}`);
    await wa.scanQr(connect.body.code, { phone: owner, name: `Owner of ${name}` });
    await waitForState(api, name, 'open');
  }

  /** Every Chatwoot row the instance's events made is delivered: nothing is still on its way. */
  const settled = (instanceId: string) =>
    eventually(
      async () => {
        const [row] = (await db('outbox').where({ instance_id: instanceId, sink: 'chatwoot' }).whereNot({ status: 'delivered' }).count({ n: '*' })) as { n: number | string }[];
        return Number(row.n) === 0;
      },
      20_000,
      'the chatwoot rows delivered',
    );

  const contactsOf = (accountId: number) =>
    peer
      .contacts(accountId)
      .map((c) => ({ name: c.name, phoneNumber: c.phoneNumber }))
      .sort((a, b) => String(a.phoneNumber).localeCompare(String(b.phoneNumber)));

  /** Every conversation's messages in order, conversations by contact: lanes of different chats run side by side. */
  const transcript = (accountId: number) =>
    peer
      .conversations(accountId)
      .map((conversation) => ({ conversation, phone: peer.contacts(accountId).find((c) => c.id === conversation.contactId)?.phoneNumber ?? '' }))
      .sort((a, b) => a.phone.localeCompare(b.phone) || a.conversation.id - b.conversation.id)
      .flatMap(({ conversation, phone }) => peer.messages(conversation.id).map((m) => `${phone} ${m.messageType} ${m.content} ${m.sourceId}`));

  it('creates the synced contacts with importContacts, finding a saved one by phone, and none twice after a second sync', async () => {
    const owner = '15550008100';
    const { alice, bob, carol, dave } = people(owner);
    const account = peer.addAccount('import-contacts');
    // Already in Chatwoot, under another name: found by phone, not made again.
    peer.addContact(account.id, { name: 'Alice from the CRM', phoneNumber: `+${alice}` });
    wa.giveHistory(owner, history(owner));
    const { instanceId } = await createPaired(api, wa, 'import-contacts', owner, {
      chatwootAccountId: String(account.id),
      chatwootToken: account.token,
      chatwootUrl: peer.url,
      chatwootImportContacts: true,
    });
    await eventually(() => peer.contacts(account.id).length >= 3, 20_000, 'the imported contacts');
    await settled(instanceId);
    expect(contactsOf(account.id)).to.deep.equal([
      { name: 'Alice from the CRM', phoneNumber: `+${alice}` },
      { name: 'Bob', phoneNumber: `+${bob}` },
      { name: 'Carol', phoneNumber: `+${carol}` },
    ]);
    // Contacts only: importMessages is off.
    expect(peer.conversations(account.id)).to.deep.equal([]);

    await pairAgain('import-contacts', owner);
    await eventually(() => peer.contacts(account.id).some((c) => c.phoneNumber === `+${dave}`), 20_000, 'Dave');
    await settled(instanceId);
    expect(contactsOf(account.id).map((c) => c.phoneNumber)).to.deep.equal([`+${alice}`, `+${bob}`, `+${carol}`, `+${dave}`]);
  });

  it('imports the messages of the last daysLimitImportMessages days with importMessages, oldest first, none twice after a second sync', async () => {
    const owner = '15550008200';
    const { alice, bob } = people(owner);
    const { accountId, instanceId } = await pairWithHistory('import-messages', owner, {
      chatwootImportMessages: true,
      chatwootDaysLimitImportMessages: 7,
    });
    await eventually(() => transcript(accountId).length >= 3, 20_000, 'the imported messages');
    await settled(instanceId);
    expect(transcript(accountId)).to.deep.equal([
      `+${alice} incoming are you **coming**? WAID:${owner}-A2`,
      `+${alice} outgoing yes, at eight WAID:${owner}-A3`,
      `+${bob} incoming call me WAID:${owner}-B1`,
    ]);
    // Carol wrote nothing and importContacts is off.
    expect(contactsOf(accountId).map((c) => c.phoneNumber)).to.deep.equal([`+${alice}`, `+${bob}`]);

    await pairAgain('import-messages', owner);
    await eventually(() => transcript(accountId).length >= 5, 20_000, 'the newer messages');
    await settled(instanceId);
    expect(transcript(accountId)).to.deep.equal([
      `+${alice} incoming are you **coming**? WAID:${owner}-A2`,
      `+${alice} outgoing yes, at eight WAID:${owner}-A3`,
      `+${alice} incoming see you WAID:${owner}-A4`,
      `+${bob} incoming call me WAID:${owner}-B1`,
      `+${bob} incoming still there? WAID:${owner}-B2`,
    ]);
    expect(peer.conversations(accountId)).to.have.length(2);
  });

  it('imports nothing without importContacts and importMessages: only what arrives live', async () => {
    const owner = '15550008300';
    const { alice } = people(owner);
    const { instanceId, accountId } = await pairWithHistory('import-nothing', owner, {});
    await eventually(async () => (await api.post('/chat/findMessages/import-nothing', { where: { key: { id: `${owner}-B1` } } })).body.messages.total === 1, 10_000, 'the history stored');
    // Committed after the history's events, and in Alice's lane after any import of hers.
    const live = await wa.sendTextToClient(alice, owner, 'live now');
    await eventually(() => transcript(accountId).length >= 1, 20_000, 'the live message');
    await settled(instanceId);
    expect(transcript(accountId)).to.deep.equal([`+${alice} incoming live now WAID:${live.id}`]);
    expect(contactsOf(accountId).map((c) => c.phoneNumber)).to.deep.equal([`+${alice}`]);
  });
});
