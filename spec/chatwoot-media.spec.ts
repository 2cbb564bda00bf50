// Media reaches Chatwoot as files, also what was sent through the API, and
// replies point at the message they quote; the links go with the instance.
import { expect } from 'chai';
import type { Knex } from 'knex';
import QRCode from 'qrcode';
import { openDb } from '../lib/db/knex.js';
import type { Api } from './support/api.js';
import { ChatwootPeer } from './support/chatwoot-peer/peer.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { testDatabaseConfig } from './support/test-database.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

describe('Chatwoot media, replies and instance removal', function () {
  this.timeout(90_000);
  let wa: WaEmulator;
  let peer: ChatwootPeer;
  let gateway: GatewayProcess;
  let api: Api;
  let db: Knex;
  let png: Buffer;

  before(async () => {
    wa = await WaEmulator.start();
    peer = await ChatwootPeer.start();
    png = await QRCode.toBuffer('sent from the shop');
    gateway = await GatewayProcess.start({
      env: { ...emulatorEnv(wa), OUTBOX_POLL_MS: '50', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_RETRY_MAX_MS: '200', CHATWOOT_ENABLED: 'true', CHATWOOT_BOT_CONTACT: 'false' },
    });
    api = gateway.api();
    db = openDb(await testDatabaseConfig(gateway.dataDir));
  });

  after(async () => {
    await db?.destroy();
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await peer?.stop();
  });

  async function pairedWithChatwoot(name: string, owner: string) {
    const account = peer.addAccount(name);
    const { instanceId } = await createPaired(api, wa, name, owner, {
      chatwootAccountId: String(account.id),
      chatwootToken: account.token,
      chatwootUrl: peer.url,
    });
    return { accountId: account.id, instanceId };
  }

  const messagesOf = (accountId: number) => peer.conversations(accountId).flatMap((c) => peer.messages(c.id));

  it('puts an image sent through the API into Chatwoot with its bytes, as a reply to the message it quotes', async () => {
    const owner = '15550008400';
    const contact = '15550008401';
    const { accountId } = await pairedWithChatwoot('cw-sent-media', owner);
    const asked = await wa.sendTextToClient(contact, owner, 'a photo of the shelf?');
    await eventually(() => messagesOf(accountId).length === 1, 20_000, 'the question');

    const sent = await api.post('/message/sendMedia/cw-sent-media', {
      number: contact,
      mediatype: 'image',
      mimetype: 'image/png',
      caption: 'here *it* is',
      media: png.toString('base64'),
      quoted: { key: { id: asked.id } },
    });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    await eventually(() => messagesOf(accountId).length === 2, 20_000, 'the image');

    const [question, image] = messagesOf(accountId);
    expect([image.messageType, image.content, image.sourceId]).to.deep.equal(['outgoing', 'here **it** is', `WAID:${sent.body.key.id}`]);
    expect(image.attachments).to.have.length(1);
    expect(image.attachments[0].bytes.equals(png)).to.equal(true);
    expect(image.contentAttributes).to.deep.equal({ in_reply_to: question.id });
  });

  it('puts an image a contact sends as a reply into Chatwoot with its bytes and in_reply_to', async () => {
    const owner = '15550008500';
    const contact = '15550008501';
    const { accountId } = await pairedWithChatwoot('cw-media-reply', owner);
    const first = await wa.sendTextToClient(contact, owner, 'the label is torn');
    await eventually(() => messagesOf(accountId).length === 1, 20_000, 'the first message');
    await wa.sendMediaToClient(contact, owner, { kind: 'image', bytes: png, mimetype: 'image/png', caption: 'see', quotedId: first.id });
    await eventually(() => messagesOf(accountId).length === 2, 20_000, 'the image');

    const [text, image] = messagesOf(accountId);
    expect(image.attachments[0].bytes.equals(png)).to.equal(true);
    expect(image.contentAttributes).to.deep.equal({ in_reply_to: text.id });
  });

  it('removes the instance\'s Chatwoot inbox and message links when the instance is deleted', async () => {
    const owner = '15550008600';
    const { accountId, instanceId } = await pairedWithChatwoot('cw-deleted', owner);
    await wa.sendTextToClient('15550008601', owner, 'hello');
    await eventually(() => messagesOf(accountId).length === 1, 20_000, 'the message');
    const rows = async () => ({
      inboxes: (await db('chatwoot_inboxes').where({ instance_id: instanceId })).length,
      messages: (await db('chatwoot_messages').where({ instance_id: instanceId })).length,
      config: (await db('chatwoot_configs').where({ instance_id: instanceId })).length,
    });
    await eventually(async () => (await rows()).messages === 1, 5_000, 'the message link');
    expect(await rows()).to.deep.equal({ inboxes: 1, messages: 1, config: 1 });

    expect((await api.delete('/instance/delete/cw-deleted')).status).to.equal(200);
    expect(await rows()).to.deep.equal({ inboxes: 0, messages: 0, config: 0 });
  });
});

describe('Chatwoot with CHATWOOT_ENABLED=false', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let peer: ChatwootPeer;
  let gateway: GatewayProcess;
  let api: Api;

  before(async () => {
    wa = await WaEmulator.start();
    peer = await ChatwootPeer.start();
    gateway = await GatewayProcess.start({ env: { ...emulatorEnv(wa), OUTBOX_POLL_MS: '50', CHATWOOT_ENABLED: 'false' } });
    api = gateway.api();
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await peer?.stop();
  });

  it('sends Chatwoot nothing and downloads no media for it, whatever the instance configures', async () => {
    const owner = '15550008700';
    const contact = '15550008701';
    const account = peer.addAccount('off');
    const chatwoot = { chatwootAccountId: String(account.id), chatwootToken: account.token, chatwootUrl: peer.url };
    wa.giveHistory(owner, {
      conversations: [{ jid: `${contact}@s.whatsapp.net`, name: 'Eve', messages: [{ id: 'OFF-H1', fromMe: false, text: 'old', timestamp: Math.floor(Date.now() / 1000) - 60, pushName: 'Eve' }] }],
      contacts: [{ jid: `${contact}@s.whatsapp.net`, name: 'Eve' }],
    });
    await createPaired(api, wa, 'cw-off', owner, { ...chatwoot, chatwootImportContacts: true, chatwootImportMessages: true });
    const set = await api.post('/chatwoot/set/cw-off', { enabled: true, accountId: String(account.id), token: account.token, url: peer.url });
    expect(set.status).to.equal(201);

    const stored = async (id: string) => (await api.post('/chat/findMessages/cw-off', { where: { key: { id } } })).body.messages.total === 1;
    await eventually(() => stored('OFF-H1'), 10_000, 'the history stored');
    const image = await wa.sendMediaToClient(contact, owner, { kind: 'image', bytes: Buffer.from('not downloaded'), mimetype: 'image/png' });
    const text = await wa.sendTextToClient(contact, owner, 'after the image');
    await eventually(async () => (await stored(image.id)) && (await stored(text.id)), 10_000, 'the messages stored');
    const sent = await api.post('/message/sendText/cw-off', { number: contact, text: 'answer' });
    expect(sent.status).to.equal(201);

    // Received one after the other by one worker: the image was handled before the text was stored.
    expect(wa.mediaDownloads).to.not.include(image.directPath);
    expect(peer.requests).to.deep.equal([]);
    const db = openDb(await testDatabaseConfig(gateway.dataDir));
    try {
      expect(await db('outbox').where({ sink: 'chatwoot' })).to.deep.equal([]);
      expect(await db('chatwoot_inboxes')).to.deep.equal([]);
    } finally {
      await db.destroy();
    }
  });
});
