// The loopback WhatsApp emulator against the real Baileys client, in this
// process: what the gateway's own specs rely on, proven without the gateway.
import makeWASocket, {
  Browsers,
  DisconnectReason,
  downloadMediaMessage,
  encodeSyncdPatch,
  chatModificationToAppPatch,
  newLTHashState,
  proto,
  WA_CERT_DETAILS,
  type AuthenticationState,
  type BaileysEventMap,
  type ConnectionState,
  type WACallEvent,
  type WAMessage,
  type WASocket,
} from '@whiskeysockets/baileys';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { eventually } from './support/eventually.js';
import { memoryAuth } from './support/memory-auth.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';
import { mediaHostDispatcher } from '../workers/media-host-dispatcher.js';

const OWNER = '15550001234';
const ALICE = '15550009999';
/** The account of the app state tests: the others end with OWNER unlinked. */
const APP_OWNER = '15550004321';

interface Client {
  socket: WASocket;
  updates: Partial<ConnectionState>[];
  upserts: { messages: WAMessage[]; type: string }[];
  statusUpdates: { id: string; status: number }[];
  calls: WACallEvent[];
  labelEdits: BaileysEventMap['labels.edit'][];
  labelAssociations: BaileysEventMap['labels.association'][];
  closed: Promise<number | undefined>;
}

function connect(wa: WaEmulator, auth: AuthenticationState): Client {
  const socket = makeWASocket({
    waWebSocketUrl: wa.url,
    auth,
    logger: pino({ level: 'silent' }),
    browser: Browsers.ubuntu('Chrome'),
    connectTimeoutMs: 5_000,
    defaultQueryTimeoutMs: 5_000,
    markOnlineOnConnect: false,
    // App state snapshots are named by a path on WhatsApp's media host: fetch them from the emulator's.
    ...(wa.mediaHostname ? { options: { dispatcher: mediaHostDispatcher(wa.mediaHostname) } } : {}),
  });
  const client: Client = {
    socket,
    updates: [],
    upserts: [],
    statusUpdates: [],
    calls: [],
    labelEdits: [],
    labelAssociations: [],
    closed: Promise.resolve(undefined),
  };
  client.closed = new Promise((resolve) => {
    socket.ev.on('connection.update', (update) => {
      client.updates.push(update);
      if (update.connection === 'close') {
        resolve((update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode);
      }
    });
  });
  socket.ev.on('creds.update', (creds) => Object.assign(auth.creds, creds));
  socket.ev.on('messages.upsert', (upsert) => client.upserts.push(upsert));
  socket.ev.on('messages.update', (updates) => {
    for (const { key, update } of updates) if (update.status) client.statusUpdates.push({ id: key.id ?? '', status: update.status });
  });
  socket.ev.on('call', (calls) => client.calls.push(...calls));
  socket.ev.on('labels.edit', (label) => client.labelEdits.push(label));
  socket.ev.on('labels.association', (association) => client.labelAssociations.push(association));
  return client;
}

const opened = (client: Client) => client.updates.some((u) => u.connection === 'open');
const firstQr = (client: Client) => client.updates.find((u) => u.qr)?.qr;

describe('WhatsApp emulator with the real Baileys client', function () {
  this.timeout(30_000);
  let wa: WaEmulator;
  let auth: AuthenticationState;
  let client: Client;
  const extraSockets: WASocket[] = [];

  /** QR → scan → 515 → a second socket with the same creds → open. */
  async function pairAndOpen(phone: string, state: AuthenticationState): Promise<Client> {
    const first = connect(wa, state);
    await eventually(() => Boolean(firstQr(first)), 5_000, 'a QR');
    await wa.scanQr(firstQr(first)!, { phone, name: `Owner ${phone}` });
    expect(await first.closed).to.equal(DisconnectReason.restartRequired);
    const second = connect(wa, state);
    await eventually(() => opened(second), 5_000, 'open');
    return second;
  }

  before(async () => {
    wa = await WaEmulator.start();
    // Baileys checks the server's certificate chain against this root.
    (WA_CERT_DETAILS as { PUBLIC_KEY: Buffer }).PUBLIC_KEY = wa.rootPublicKey;
    wa.addContact(ALICE, 'Alice');
    auth = memoryAuth();
    client = await pairAndOpen(OWNER, auth);
  });

  after(async () => {
    for (const socket of [client?.socket, ...extraSockets]) socket?.end(undefined);
    await wa?.stop();
  });

  it('pairs through the QR, restarts with 515, and opens as the account', () => {
    expect(client.socket.user?.id).to.match(new RegExp(`^${OWNER}:\\d+@s.whatsapp.net$`));
    expect(wa.isRegistered(OWNER)).to.equal(true);
    expect(wa.connections(OWNER)).to.equal(1);
  });

  it('sends a text the contact decrypts, and reports delivery and read receipts', async () => {
    wa.receiptPolicy({ delivery: 300, read: 600 });
    const sent = await client.socket.sendMessage(`${ALICE}@s.whatsapp.net`, { text: 'hello from baileys' });
    const received = await wa.nextMessage(ALICE);
    expect(received.id).to.equal(sent?.key.id);
    expect(received.message.extendedTextMessage?.text).to.equal('hello from baileys');
    await eventually(() => client.statusUpdates.some((u) => u.id === sent?.key.id && u.status === 4), 5_000, 'read receipt');
    expect(client.statusUpdates.filter((u) => u.id === sent?.key.id).map((u) => u.status)).to.deep.equal([3, 4]);
    wa.receiptPolicy({ delivery: 50, read: 'never' });
  });

  it('fans a status post out to its statusJidList under a sender key, twice with one key', async () => {
    const BOB = '15550003333';
    wa.addContact(BOB, 'Bob');
    const audience = [`${ALICE}@s.whatsapp.net`, `${BOB}@s.whatsapp.net`];
    const first = await client.socket.sendMessage('status@broadcast', { text: 'first status' }, { statusJidList: audience });
    const second = await client.socket.sendMessage('status@broadcast', { text: 'second status' }, { statusJidList: [audience[0]] });
    for (const [contact, expected] of [[ALICE, ['first status', 'second status']], [BOB, ['first status']]] as const) {
      await eventually(() => wa.receivedMessages(contact).filter((m) => m.chat === 'status@broadcast').length === expected.length, 5_000, contact);
      const statuses = wa.receivedMessages(contact).filter((m) => m.chat === 'status@broadcast');
      expect(statuses.map((m) => m.message.extendedTextMessage?.text ?? m.message.conversation)).to.deep.equal(expected);
    }
    expect(wa.receivedMessages(ALICE).filter((m) => m.chat === 'status@broadcast').map((m) => m.id)).to.deep.equal([first?.key.id, second?.key.id]);
  });

  it('delivers a contact’s status post, readable under the sender key it carries', async () => {
    await wa.postStatusToClient(ALICE, OWNER, 'my first status');
    await wa.postStatusToClient(ALICE, OWNER, 'my second status');
    const statuses = () => client.upserts.flatMap((u) => u.messages).filter((m) => m.key.remoteJid === 'status@broadcast' && !m.key.fromMe);
    await eventually(() => statuses().length === 2, 5_000, 'two statuses');
    expect(statuses().map((m) => m.message?.extendedTextMessage?.text)).to.deep.equal(['my first status', 'my second status']);
    expect(statuses()[0].key.participant).to.equal(`${ALICE}@s.whatsapp.net`);
  });

  it('delivers a contact’s text in PN and in LID addressing', async () => {
    await wa.sendTextToClient(ALICE, OWNER, 'hi by number');
    await wa.sendTextToClient('15550007777', OWNER, 'hi by lid', { lid: true });
    const notify = () => client.upserts.filter((u) => u.type === 'notify').flatMap((u) => u.messages);
    await eventually(() => notify().some((m) => m.message?.conversation === 'hi by lid'), 5_000, 'both texts');
    const byNumber = notify().find((m) => m.message?.conversation === 'hi by number')!;
    expect(byNumber.key.remoteJid).to.equal(`${ALICE}@s.whatsapp.net`);
    expect(byNumber.pushName).to.equal('Alice');
    const byLid = notify().find((m) => m.message?.conversation === 'hi by lid')!;
    expect(byLid.key.remoteJid).to.match(/@lid$/);
    expect(byLid.key.remoteJidAlt).to.equal('15550007777@s.whatsapp.net');
  });

  it('uploads media the contact decrypts, and delivers media Baileys downloads', async () => {
    const document = Buffer.concat([Buffer.from('%PDF-1.4 test\n'), randomBytes(40_000)]);
    const sent = await client.socket.sendMessage(`${ALICE}@s.whatsapp.net`, { document, mimetype: 'application/pdf', fileName: 'a.pdf' });
    const received = await wa.nextMessage(ALICE);
    expect(received.id).to.equal(sent?.key.id);
    expect(wa.downloadReceivedMedia(received).equals(document)).to.equal(true);

    const incoming = randomBytes(30_000);
    await wa.sendMediaToClient(ALICE, OWNER, { kind: 'document', bytes: incoming, mimetype: 'application/octet-stream', fileName: 'in.bin' });
    let media: WAMessage | undefined;
    await eventually(() => {
      media = client.upserts.flatMap((u) => u.messages).find((m) => m.message?.documentMessage?.fileName === 'in.bin');
      return media !== undefined;
    }, 5_000, 'incoming document');
    const bytes = await downloadMediaMessage(media!, 'buffer', {});
    expect(bytes.equals(incoming)).to.equal(true);
  });

  it('offers a call Baileys reports, and records its rejection', async () => {
    const { callId } = await wa.offerCall(ALICE, OWNER);
    await eventually(() => client.calls.some((c) => c.id === callId && c.status === 'offer'), 5_000, 'call offer');
    const call = client.calls.find((c) => c.id === callId)!;
    await client.socket.rejectCall(call.id, call.from);
    expect(wa.callRejections()).to.deep.include({ callId, to: `${ALICE}@s.whatsapp.net` });
  });

  it('answers a pairing code request', async () => {
    const fresh = connect(wa, memoryAuth());
    extraSockets.push(fresh.socket);
    await eventually(() => Boolean(firstQr(fresh)), 5_000, 'a QR');
    const code = await fresh.socket.requestPairingCode('15550001111');
    expect(code).to.match(/^[A-Z0-9]{8}$/);
    await eventually(() => wa.pairingCodeRequests.some((r) => r.phone === '15550001111'), 5_000, 'the request');
  });

  describe('app state', () => {
    const aliceJid = `${ALICE}@s.whatsapp.net`;
    let appAuth: AuthenticationState;
    let app: Client;

    before(async () => {
      appAuth = memoryAuth();
      app = await pairAndOpen(APP_OWNER, appAuth);
    });

    after(() => app?.socket.end(undefined));

    const lastMessages = () => [{ key: { remoteJid: aliceJid, fromMe: false, id: '3EB0APPSTATE0001' }, messageTimestamp: Math.floor(Date.now() / 1000) }];

    /** A raw upload of a patch on top of `version`, as Baileys' appPatch sends it. */
    async function upload(name: string, version: number, patch: proto.ISyncdPatch): Promise<unknown> {
      const content = [{ tag: 'patch', attrs: {}, content: proto.SyncdPatch.encode(patch).finish() }];
      const collection = { tag: 'collection', attrs: { name, version: String(version), return_snapshot: 'false' }, content };
      return app.socket.query({ tag: 'iq', attrs: { to: 's.whatsapp.net', type: 'set', xmlns: 'w:sync:app:state' }, content: [{ tag: 'sync', attrs: {}, content: [collection] }] });
    }

    it('shares its key with the new device, which then archives, marks unread and renames: the phone sees it', async () => {
      await eventually(() => Boolean(appAuth.creds.myAppStateKeyId), 5_000, 'the app state key');
      await app.socket.chatModify({ archive: true, lastMessages: lastMessages() }, aliceJid);
      await app.socket.chatModify({ markRead: false, lastMessages: lastMessages() }, aliceJid);
      await app.socket.updateProfileName('Owner Renamed');
      expect(wa.appState(APP_OWNER)).to.include({ pushName: 'Owner Renamed' });
      expect(wa.appState(APP_OWNER).archived).to.deep.equal([aliceJid]);
      expect(wa.appState(APP_OWNER).unread).to.deep.equal([aliceJid]);
      await app.socket.chatModify({ archive: false, lastMessages: lastMessages() }, aliceJid);
      expect(wa.appState(APP_OWNER).archived).to.deep.equal([]);
    });

    it('stamps the push name on what the account sends: the contact sees the new name', async () => {
      await app.socket.sendMessage(aliceJid, { text: 'who am I' });
      const received = await wa.nextMessage(ALICE);
      expect(received.pushName).to.equal('Owner Renamed');
    });

    it('tells the device of labels the phone edits (a snapshot first) and puts on chats, and keeps the device’s own', async () => {
      await wa.editLabel(APP_OWNER, { id: '7', name: 'VIP', color: 3 });
      await eventually(() => app.labelEdits.some((l) => l.id === '7'), 5_000, 'labels.edit');
      expect(app.labelEdits.find((l) => l.id === '7')).to.deep.include({ name: 'VIP', color: 3, deleted: false });
      // The device had nothing of this collection yet: it asked for, and got, a snapshot.
      expect(wa.appStateSnapshots).to.be.greaterThan(0);
      await wa.labelChat(APP_OWNER, '7', aliceJid);
      await eventually(() => app.labelAssociations.length > 0, 5_000, 'labels.association');
      expect(app.labelAssociations[0]).to.deep.equal({ type: 'add', association: { type: 'label_jid', chatId: aliceJid, labelId: '7' } });
      await app.socket.removeChatLabel(aliceJid, '7');
      expect(wa.appState(APP_OWNER).labelChats).to.deep.equal({});
      await app.socket.addChatLabel(aliceJid, '7');
      expect(wa.appState(APP_OWNER).labelChats).to.deep.equal({ '7': [aliceJid] });
      expect(wa.appState(APP_OWNER).labels).to.deep.equal([{ id: '7', name: 'VIP', color: 3, deleted: false, predefinedId: null }]);
    });

    it('refuses a patch on a stale version (409) and one whose MAC does not match (400)', async () => {
      const keyId = appAuth.creds.myAppStateKeyId!;
      const getKey = async (id: string) => (await appAuth.keys.get('app-state-sync-key', [id]))[id];
      const create = chatModificationToAppPatch({ addChatLabel: { labelId: '7' } }, aliceJid);
      const stale = await encodeSyncdPatch(create, keyId, newLTHashState(), getKey);
      await upload('regular', 0, stale.patch).then(
        () => expect.fail('a stale patch was accepted'),
        (error: { data?: unknown }) => expect(error.data).to.equal(409),
      );
      const { regular: current } = await appAuth.keys.get('app-state-sync-version', ['regular']);
      const fresh = await encodeSyncdPatch(create, keyId, current!, getKey);
      const tampered = { ...fresh.patch, patchMac: Buffer.from(fresh.patch.patchMac!).fill(0) };
      await upload('regular', current!.version, tampered).then(
        () => expect.fail('a patch with a bad MAC was accepted'),
        (error: { data?: unknown }) => expect(error.data).to.equal(400),
      );
    });
  });

  it('logs in again with saved creds, without a QR', async () => {
    client.socket.end(undefined);
    await client.closed;
    client = connect(wa, auth);
    await eventually(() => opened(client), 5_000, 'open again');
    expect(client.updates.some((u) => u.qr)).to.equal(false);
  });

  for (const [reason, code] of [
    [515, DisconnectReason.restartRequired],
    [440, DisconnectReason.connectionReplaced],
    [503, DisconnectReason.unavailableService],
  ] as const) {
    it(`ends a session with ${reason} as Baileys' close code ${code}`, async () => {
      wa.kick(OWNER, reason);
      expect(await client.closed).to.equal(code);
      client = connect(wa, auth);
      await eventually(() => opened(client), 5_000, 'open again');
    });
  }

  it('unlinks the device: the session closes with 401 and the next login is refused', async () => {
    wa.kick(OWNER, 'device_removed');
    expect(await client.closed).to.equal(DisconnectReason.loggedOut);
    const again = connect(wa, auth);
    extraSockets.push(again.socket);
    expect(await again.closed).to.equal(DisconnectReason.loggedOut);
  });
});
