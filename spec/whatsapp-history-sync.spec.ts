// The history a phone hands a newly linked device: first to the real Baileys
// client on its own, then through the gateway's store, routes and events.
import makeWASocket, {
  Browsers,
  DisconnectReason,
  downloadMediaMessage,
  toNumber,
  WA_CERT_DETAILS,
  type AuthenticationState,
  type BaileysEventMap,
  type ConnectionState,
  type WASocket,
} from '@whiskeysockets/baileys';
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { memoryAuth } from './support/memory-auth.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator, type PhoneHistory } from './support/whatsapp-emulator/index.js';
import { mediaHostDispatcher } from '../workers/media-host-dispatcher.js';

const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);
const ALICE = '15550003001@s.whatsapp.net';
const BOB = '15550003002@s.whatsapp.net';
const CAROL = '15550003003@s.whatsapp.net';
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(20_000)]);

/** Two chats over seven months and a contact known only by name. */
function phoneHistory(): PhoneHistory {
  return {
    conversations: [
      {
        jid: ALICE,
        name: 'Alice',
        messages: [
          { id: 'HIST-A1', fromMe: false, text: 'are you coming tonight?', timestamp: NOW - DAY, pushName: 'Alice' },
          { id: 'HIST-A2', fromMe: true, text: 'yes, at eight', timestamp: NOW - DAY + 60 },
          { id: 'HIST-A3', fromMe: false, image: { bytes: PHOTO, caption: 'the venue' }, timestamp: NOW - 2 * DAY, pushName: 'Alice' },
          { id: 'HIST-A4', fromMe: false, text: 'happy new month', timestamp: NOW - 30 * DAY, pushName: 'Alice' },
          { id: 'HIST-A5', fromMe: true, text: 'from long ago', timestamp: NOW - 200 * DAY },
        ],
      },
      { jid: BOB, name: 'Bob', messages: [{ id: 'HIST-B1', fromMe: false, text: 'call me', timestamp: NOW - 3 * 3600, pushName: 'Bob' }] },
    ],
    contacts: [
      { jid: ALICE, name: 'Alice' },
      { jid: CAROL, name: 'Carol' },
    ],
  };
}

const WITHOUT_FULL = ['HIST-A1', 'HIST-A2', 'HIST-A3', 'HIST-A4', 'HIST-B1'];

type HistorySet = BaileysEventMap['messaging-history.set'];

interface Client {
  socket: WASocket;
  updates: Partial<ConnectionState>[];
  history: HistorySet[];
  closed: Promise<number | undefined>;
}

function connect(wa: WaEmulator, auth: AuthenticationState, fullHistory: boolean): Client {
  const socket = makeWASocket({
    waWebSocketUrl: wa.url,
    auth,
    logger: pino({ level: 'silent' }),
    browser: Browsers.ubuntu('Chrome'),
    connectTimeoutMs: 5_000,
    defaultQueryTimeoutMs: 5_000,
    markOnlineOnConnect: false,
    // History chunks come by path only: fetch them from the emulator's media host.
    options: { dispatcher: mediaHostDispatcher(wa.mediaHostname!) },
    syncFullHistory: fullHistory,
    // Baileys skips FULL chunks unless told otherwise.
    ...(fullHistory ? { shouldSyncHistoryMessage: () => true } : {}),
  });
  const client: Client = { socket, updates: [], history: [], closed: Promise.resolve(undefined) };
  client.closed = new Promise((resolve) => {
    socket.ev.on('connection.update', (update) => {
      client.updates.push(update);
      if (update.connection === 'close') {
        resolve((update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode);
      }
    });
  });
  socket.ev.on('creds.update', (creds) => Object.assign(auth.creds, creds));
  socket.ev.on('messaging-history.set', (set) => client.history.push(set));
  return client;
}

const historyIds = (client: Client) => client.history.flatMap((h) => h.messages).map((m) => m.key.id ?? '');

describe('History sync from the phone to a newly linked device', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  const sockets: WASocket[] = [];

  before(async () => {
    wa = await WaEmulator.start();
  });

  after(async () => {
    for (const socket of sockets) socket.end(undefined);
    await wa?.stop();
  });

  describe('with the real Baileys client', () => {
    before(() => {
      // Baileys checks the server's certificate chain against this root.
      (WA_CERT_DETAILS as { PUBLIC_KEY: Buffer }).PUBLIC_KEY = wa.rootPublicKey;
    });

    /** QR → scan with the phone's history → 515 → a second socket with the same creds → open. */
    async function pairWithHistory(phone: string, fullHistory: boolean): Promise<Client> {
      const auth = memoryAuth();
      const first = connect(wa, auth, fullHistory);
      sockets.push(first.socket);
      await eventually(() => first.updates.some((u) => u.qr), 5_000, 'a QR');
      await wa.scanQr(first.updates.find((u) => u.qr)!.qr!, { phone, history: phoneHistory() });
      expect(await first.closed).to.equal(DisconnectReason.restartRequired);
      const second = connect(wa, auth, fullHistory);
      sockets.push(second.socket);
      await eventually(() => second.updates.some((u) => u.connection === 'open'), 5_000, 'open');
      return second;
    }

    it('emits messaging-history.set with the chats, contact names and messages of the last 90 days', async () => {
      const client = await pairWithHistory('15550003100', false);
      await eventually(() => WITHOUT_FULL.every((id) => historyIds(client).includes(id)), 10_000, 'the synced messages');
      expect(wa.historySyncs.filter((s) => s.phone === '15550003100').map((s) => s.syncType)).to.deep.equal([
        'INITIAL_BOOTSTRAP',
        'PUSH_NAME',
        'RECENT',
      ]);
      expect(historyIds(client)).to.not.include('HIST-A5');

      const chats = client.history.flatMap((h) => h.chats);
      expect(chats.find((c) => c.id === ALICE)).to.include({ name: 'Alice' });
      expect(chats.find((c) => c.id === BOB)).to.include({ name: 'Bob' });
      const contacts = client.history.flatMap((h) => h.contacts);
      expect(contacts).to.deep.include({ id: CAROL, notify: 'Carol' });

      const messages = client.history.flatMap((h) => h.messages);
      const asked = messages.find((m) => m.key.id === 'HIST-A1')!;
      expect(asked.key).to.include({ remoteJid: ALICE, fromMe: false });
      expect(asked.message?.conversation).to.equal('are you coming tonight?');
      expect(toNumber(asked.messageTimestamp!)).to.equal(NOW - DAY);
      expect(asked.pushName).to.equal('Alice');
      const answered = messages.find((m) => m.key.id === 'HIST-A2')!;
      expect(answered.key.fromMe).to.equal(true);
      expect(toNumber(messages.find((m) => m.key.id === 'HIST-A4')!.messageTimestamp!)).to.equal(NOW - 30 * DAY);

      const photo = messages.find((m) => m.key.id === 'HIST-A3')!;
      expect(photo.message?.imageMessage?.caption).to.equal('the venue');
      const bytes = await downloadMediaMessage(photo, 'buffer', {});
      expect(bytes.equals(PHOTO)).to.equal(true);
    });

    it('sends the older messages as FULL to a client that asked for the full history', async () => {
      const client = await pairWithHistory('15550003200', true);
      await eventually(() => [...WITHOUT_FULL, 'HIST-A5'].every((id) => historyIds(client).includes(id)), 10_000, 'the full history');
      expect(wa.historySyncs.filter((s) => s.phone === '15550003200').map((s) => s.syncType)).to.include('FULL');
      const old = client.history.flatMap((h) => h.messages).find((m) => m.key.id === 'HIST-A5')!;
      expect(old.message?.conversation).to.equal('from long ago');
      expect(toNumber(old.messageTimestamp!)).to.equal(NOW - 200 * DAY);
    });
  });

  describe('through the gateway', () => {
    let gateway: GatewayProcess;
    let api: Api;
    let receiver: WebhookReceiver;

    before(async () => {
      receiver = await WebhookReceiver.start();
      gateway = await GatewayProcess.start({
        env: { ...emulatorEnv(wa), WEBHOOK_GLOBAL_ENABLED: 'true', WEBHOOK_GLOBAL_URL: `${receiver.url}/all`, OUTBOX_POLL_MS: '50' },
      });
      api = gateway.api();
    });

    afterEach(function () {
      if (this.currentTest?.state === 'failed') console.log('LOGS', gateway.logs.slice(-40).map((l) => JSON.stringify(l)).join('\n'));
    });

    after(async () => {
      await gateway?.stop();
      await gateway?.removeData();
      await receiver?.stop();
    });

    const eventsOf = (instance: string, event: string) =>
      receiver.accepted.filter((r) => r.body.instance === instance && r.body.event === event).flatMap((r) => r.body.data as Record<string, unknown>[]);

    // Stored messages are arbitrary JSON: `any` keeps the assertions short.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async function messagesOf(instance: string, where: Record<string, unknown> = {}): Promise<Record<string, any>[]> {
      const res = await api.post(`/chat/findMessages/${instance}`, { where, offset: 100 });
      expect(res.status).to.equal(200);
      return res.body.messages.records;
    }

    it('stores the synced chats, contacts and messages, lists them, and reports them as chats.set, contacts.set and messages.set', async () => {
      wa.giveHistory('15550003300', phoneHistory());
      await createPaired(api, wa, 'synced', '15550003300');
      await eventually(async () => (await messagesOf('synced')).length >= WITHOUT_FULL.length, 10_000, 'the synced messages');

      const messages = await messagesOf('synced');
      expect(messages.map((m) => m.key.id).sort()).to.deep.equal(WITHOUT_FULL);
      const asked = messages.find((m) => m.key.id === 'HIST-A1')!;
      expect(asked).to.deep.include({ pushName: 'Alice', messageType: 'conversation', messageTimestamp: NOW - DAY });
      expect(asked.key).to.include({ remoteJid: ALICE, fromMe: false });
      expect(asked.message.conversation).to.equal('are you coming tonight?');
      const photo = messages.find((m) => m.key.id === 'HIST-A3')!;
      expect(photo.messageType).to.equal('imageMessage');
      expect(photo.message.imageMessage.caption).to.equal('the venue');

      // Timestamps are the original ones: a consumer limits the import by days.
      const lastWeek = await messagesOf('synced', { messageTimestamp: { gte: NOW - 7 * DAY } });
      expect(lastWeek.map((m) => m.key.id).sort()).to.deep.equal(['HIST-A1', 'HIST-A2', 'HIST-A3', 'HIST-B1']);

      const chats = (await api.post('/chat/findChats/synced', {})).body as Record<string, unknown>[];
      expect(chats.find((c) => c.remoteJid === ALICE)).to.include({ name: 'Alice', lastMessageTimestamp: NOW - DAY + 60 });
      expect(chats.find((c) => c.remoteJid === BOB)).to.include({ name: 'Bob' });
      const contacts = (await api.post('/chat/findContacts/synced', {})).body as Record<string, unknown>[];
      expect(contacts.find((c) => c.remoteJid === CAROL)).to.include({ pushName: 'Carol' });
      expect(contacts.find((c) => c.remoteJid === ALICE)).to.include({ pushName: 'Alice' });

      await eventually(() => eventsOf('synced', 'messages.set').length >= WITHOUT_FULL.length, 5_000, 'messages.set');
      expect(eventsOf('synced', 'messages.set').find((m) => (m.key as { id: string }).id === 'HIST-A4')).to.deep.include({
        messageTimestamp: NOW - 30 * DAY,
        message: { conversation: 'happy new month' },
      });
      await eventually(() => eventsOf('synced', 'chats.set').some((c) => c.remoteJid === BOB), 5_000, 'chats.set');
      await eventually(() => eventsOf('synced', 'contacts.set').some((c) => c.remoteJid === CAROL && c.pushName === 'Carol'), 5_000, 'contacts.set');
    });

    it('keeps the messages beyond 90 days for an instance with syncFullHistory', async () => {
      wa.giveHistory('15550003400', phoneHistory());
      await createPaired(api, wa, 'synced-full', '15550003400', { syncFullHistory: true });
      await eventually(async () => (await messagesOf('synced-full')).some((m) => m.key.id === 'HIST-A5'), 10_000, 'the full history');
      const old = (await messagesOf('synced-full', { key: { id: 'HIST-A5' } }))[0];
      expect(old).to.deep.include({ messageTimestamp: NOW - 200 * DAY, message: { conversation: 'from long ago' } });
      expect(old.key).to.include({ remoteJid: ALICE, fromMe: true });
    });
  });
});
