import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import sinon from 'sinon';
import type { AddressInfo } from 'node:net';
import { stableEventId } from '../lib/cloud/event-id.js';
import { openDb } from '../lib/db/knex.js';
import { MessageRepository } from '../lib/db/messages.js';
import type { MessageRecord } from '../lib/messages/types.js';
import type { Api } from './support/api.js';
import { ChatwootPeer } from './support/chatwoot-peer/peer.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { GraphPeer } from './support/graph-peer/peer.js';
import type { PhoneNumber } from './support/graph-peer/state.js';
import { startInProcess, type InProcessGateway } from './support/in-process-gateway.js';
import { testDatabase, testDatabaseConfig } from './support/test-database.js';
import { WebhookReceiver, type ReceivedRequest } from './support/webhook-receiver.js';

type Json = Record<string, unknown>;
const APP_SECRET = 'meta-app-secret-for-specs';
const VERIFY_TOKEN = 'verify-me-please';
const FAST_OUTBOX = { OUTBOX_POLL_MS: '50', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_RETRY_MAX_MS: '200' };
// A small PNG: the bytes a user sends as an image.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** A gateway talking to the peer as Meta, taking its signed callbacks. */
const businessEnv = (peer: GraphPeer) => ({
  WA_BUSINESS_URL: peer.url,
  WA_BUSINESS_VERSION: peer.version,
  WA_BUSINESS_APP_SECRET: APP_SECRET,
  WA_BUSINESS_TOKEN_WEBHOOK: VERIFY_TOKEN,
  ...FAST_OUTBOX,
});

/** Rows of a table in the gateway's database, read from outside. */
async function rowCount(dataDir: string, table: string): Promise<number> {
  const db = openDb(await testDatabaseConfig(dataDir));
  try {
    const [row] = await db(table).count<Json[]>({ n: '*' });
    return Number(row?.n ?? 0);
  } finally {
    await db.destroy();
  }
}

/** A Business instance of the peer's number, its webhook pointed at the receiver. */
async function createBusiness(api: Api, name: string, phone: PhoneNumber, token: string, receiver: WebhookReceiver, extra: Json = {}) {
  const created = await api.post('/instance/create', {
    instanceName: name,
    integration: 'WHATSAPP-BUSINESS',
    number: phone.id,
    businessId: phone.wabaId,
    token,
    webhook: { enabled: true, url: `${receiver.url}/${name}`, base64: true, events: ['MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'CONTACTS_UPSERT', 'SEND_MESSAGE_UPDATE'] },
    ...extra,
  });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  return String(created.body.instance.instanceId);
}

const eventsOf = (receiver: WebhookReceiver, name: string, event: string) =>
  receiver.accepted.filter((r) => r.path === `/${name}` && r.body.event === event);
const dataOf = (request: ReceivedRequest) => request.body.data as Json;

describe(`Business instances, inbound: /webhook/meta (${testDatabase})`, function () {
  this.timeout(60_000);
  let peer: GraphPeer;
  let receiver: WebhookReceiver;
  let running: InProcessGateway;
  let api: Api;
  let phone: PhoneNumber;
  let token: string;
  let instanceId: string;
  let callbackUrl: string;

  before(async () => {
    peer = await GraphPeer.start({ appSecret: APP_SECRET });
    receiver = await WebhookReceiver.start();
    running = await startInProcess(businessEnv(peer));
    api = running.api;
    phone = peer.addPhoneNumber({ display_phone_number: '+1 555-010-0100' });
    token = peer.addToken();
    instanceId = await createBusiness(api, 'biz', phone, token, receiver);
    callbackUrl = `${api.baseUrl}/webhook/meta`;
  });

  after(async () => {
    await running?.stop();
    await peer?.stop();
    await receiver?.stop();
  });

  describe('GET /webhook/meta (verification)', () => {
    it('refuses a wrong verify token or mode with 403, without an apikey', async () => {
      const wrong = await fetch(`${callbackUrl}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=123`);
      expect(wrong.status).to.equal(403);
      const mode = await fetch(`${callbackUrl}?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=123`);
      expect(mode.status).to.equal(403);
      const bare = await fetch(callbackUrl);
      expect(bare.status).to.equal(403);
    });

    it("answers Meta's handshake with the challenge as text", async () => {
      const verification = await peer.subscribe(callbackUrl, VERIFY_TOKEN);
      expect(verification).to.include({ ok: true, status: 200 });
      expect(verification.answer).to.equal(verification.challenge);
      const direct = await fetch(`${callbackUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=4242`);
      expect(direct.headers.get('content-type')).to.match(/^text\/plain/);
      expect(await direct.text()).to.equal('4242');
    });
  });

  describe('POST /webhook/meta', () => {
    /** Meta's text callback for the instance's number, as raw JSON. */
    const textCallback = (id: string, text: string) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: phone.wabaId,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '15550100100', phone_number_id: phone.id },
                  contacts: [{ profile: { name: 'Forger' }, wa_id: '15557770001' }],
                  messages: [{ from: '15557770001', id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
                },
              },
            ],
          },
        ],
      });
    const post = (raw: string, signature?: string) =>
      fetch(callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) }, body: raw });

    it('refuses a callback without a signature (401) or with a wrong one (403): nothing stored, no event', async () => {
      const raw = textCallback('wamid.FORGED1', 'forged');
      const unsigned = await post(raw);
      expect(unsigned.status).to.equal(401);
      const wrong = await post(raw, `sha256=${createHmac('sha256', 'another-secret').update(raw).digest('hex')}`);
      expect(wrong.status).to.equal(403);
      expect((await wrong.json()) as Json).to.deep.include({ status: 403, error: 'Forbidden' });
      // The right signature of another body does not do either.
      const other = await post(raw, `sha256=${createHmac('sha256', APP_SECRET).update(`${raw} `).digest('hex')}`);
      expect(other.status).to.equal(403);

      expect(await rowCount(running.dataDir, 'meta_callbacks')).to.equal(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.requests.filter((r) => JSON.stringify(r.body).includes('wamid.FORGED1'))).to.deep.equal([]);
      const found = await api.post('/chat/findMessages/biz', { where: { key: { id: 'wamid.FORGED1' } } });
      expect(found.body.messages.total).to.equal(0);
    });

    it('turns a signed text into messages.upsert with the data a Baileys instance sends, and stores it', async () => {
      const sent = peer.deliverMessage(phone.id, { type: 'text', from: '15557770002', name: 'Ana Souza', text: 'hello business' });
      await sent.delivery.done;
      expect(sent.delivery.attempts.map((a) => a.status)).to.deep.equal([200]);

      await eventually(() => eventsOf(receiver, 'biz', 'messages.upsert').some((r) => (dataOf(r).key as Json).id === sent.id), 10_000, 'messages.upsert');
      const upsert = eventsOf(receiver, 'biz', 'messages.upsert').find((r) => (dataOf(r).key as Json).id === sent.id)!;
      expect(upsert.body).to.include({ event: 'messages.upsert', instance: 'biz' });
      const data = dataOf(upsert);
      expect(data).to.deep.equal({
        key: { remoteJid: '15557770002@s.whatsapp.net', fromMe: false, id: sent.id },
        pushName: 'Ana Souza',
        status: 'DELIVERY_ACK',
        message: { conversation: 'hello business' },
        messageType: 'conversation',
        messageTimestamp: data.messageTimestamp,
        instanceId,
        source: 'unknown',
        contextInfo: null,
      });
      expect(data.messageTimestamp).to.be.a('number');
      // The same message always gets the same event id: a repeat after a crash can be dropped.
      expect(upsert.headers['x-event-id']).to.equal(stableEventId(instanceId, sent.id, 'messages.upsert'));

      await eventually(() => eventsOf(receiver, 'biz', 'contacts.upsert').some((r) => JSON.stringify(r.body.data).includes('15557770002')), 10_000, 'contacts.upsert');
      const contact = eventsOf(receiver, 'biz', 'contacts.upsert').find((r) => JSON.stringify(r.body.data).includes('15557770002'))!;
      expect(contact.body.data).to.deep.equal([{ remoteJid: '15557770002@s.whatsapp.net', pushName: 'Ana Souza', instanceId }]);

      const found = await api.post('/chat/findMessages/biz', { where: { key: { id: sent.id } } });
      expect(found.body.messages.records).to.have.length(1);
      expect(found.body.messages.records[0]).to.deep.include({ messageType: 'conversation', message: { conversation: 'hello business' }, pushName: 'Ana Souza' });
      const contacts = await api.post('/chat/findContacts/biz', { where: { remoteJid: '15557770002@s.whatsapp.net' } });
      expect(contacts.body).to.have.length(1);
      expect(contacts.body[0]).to.include({ pushName: 'Ana Souza' });
      const chats = await api.post('/chat/findChats/biz', {});
      expect(chats.body.map((c: Json) => c.remoteJid)).to.include('15557770002@s.whatsapp.net');
      // Handled, so nothing is left pending.
      await eventually(async () => (await rowCount(running.dataDir, 'meta_callbacks')) === 0, 5_000, 'no pending callback');
    });

    it('gives a callback Meta sends again the same event id, so consumers can drop the repeat', async () => {
      const raw = textCallback('wamid.TWICE1', 'said twice');
      const signature = `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
      expect((await post(raw, signature)).status).to.equal(200);
      expect((await post(raw, signature)).status).to.equal(200);
      const upserts = () => eventsOf(receiver, 'biz', 'messages.upsert').filter((r) => (dataOf(r).key as Json).id === 'wamid.TWICE1');
      await eventually(() => upserts().length === 2, 10_000, 'both upserts');
      const [first, second] = upserts().map((r) => r.headers['x-event-id']);
      expect(first).to.be.a('string').and.equal(second);
      const found = await api.post('/chat/findMessages/biz', { where: { key: { id: 'wamid.TWICE1' } } });
      expect(found.body.messages.total, 'stored once').to.equal(1);
    });

    it("keeps the order of one sender's messages", async () => {
      const ids: string[] = [];
      for (let n = 0; n < 8; n += 1) {
        const sent = peer.deliverMessage(phone.id, { type: 'text', from: '15557770007', name: 'Eva', text: `in order ${n}` });
        await sent.delivery.done;
        ids.push(sent.id);
      }
      const upserts = () => eventsOf(receiver, 'biz', 'messages.upsert').filter((r) => ids.includes(String((dataOf(r).key as Json).id)));
      await eventually(() => upserts().length === ids.length, 10_000, 'every upsert');
      expect(upserts().map((r) => ((dataOf(r).message as Json).conversation))).to.deep.equal(ids.map((_, n) => `in order ${n}`));
    });

    it('turns delivered and read statuses into messages.update, kept for findStatusMessage', async () => {
      const wamid = 'wamid.HBgLMTU1NTc3NzAwMDMVAgARGBI1QUJDREVGMDEyMzQ1Njc4OQA=';
      await peer.deliverStatus(phone.id, { id: wamid, status: 'delivered', recipient_id: '15557770003' }).done;
      await peer.deliverStatus(phone.id, { id: wamid, status: 'read', recipient_id: '15557770003' }).done;
      const updates = () => eventsOf(receiver, 'biz', 'messages.update').filter((r) => dataOf(r).keyId === wamid);
      await eventually(() => updates().length === 2, 10_000, 'two messages.update');
      expect(updates().map((r) => dataOf(r))).to.deep.equal(
        ['DELIVERY_ACK', 'READ'].map((status) => ({
          keyId: wamid,
          remoteJid: '15557770003@s.whatsapp.net',
          fromMe: true,
          participant: null,
          instanceId,
          messageId: wamid,
          status,
        })),
      );
      await eventually(() => eventsOf(receiver, 'biz', 'send.message.update').filter((r) => dataOf(r).keyId === wamid).length === 2, 10_000, 'send.message.update');
      const history = await api.post('/chat/findStatusMessage/biz', { where: { id: wamid } });
      expect(history.status).to.equal(200);
      expect(history.body.map((u: Json) => u.status)).to.deep.equal(['DELIVERY_ACK', 'READ']);
    });

    it("turns a failed status into messages.update ERROR with Meta's reasons", async () => {
      const wamid = 'wamid.HBgLMTU1NTc3NzAwMDMVAgARGBJGQUlMRUQwMTIzNDU2Nzg5AA==';
      const errors = [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed' }];
      await peer.deliverStatus(phone.id, { id: wamid, status: 'failed', recipient_id: '15557770003', errors }).done;
      await eventually(() => eventsOf(receiver, 'biz', 'messages.update').some((r) => dataOf(r).keyId === wamid), 10_000, 'messages.update');
      const update = eventsOf(receiver, 'biz', 'messages.update').find((r) => dataOf(r).keyId === wamid)!;
      expect(dataOf(update)).to.deep.include({ status: 'ERROR', fromMe: true, errors });
    });

    it("puts a received image's bytes in data.message.base64, fetched with the instance's token", async () => {
      const sent = peer.deliverMessage(phone.id, { type: 'image', from: '15557770004', name: 'Bia', bytes: PNG, mimeType: 'image/png', caption: 'a picture' });
      await sent.delivery.done;
      const upserts = () => eventsOf(receiver, 'biz', 'messages.upsert').filter((r) => (dataOf(r).key as Json).id === sent.id);
      await eventually(() => upserts().length === 1, 10_000, 'the image upsert');
      const data = dataOf(upserts()[0]);
      expect(data.messageType).to.equal('imageMessage');
      const message = data.message as Json;
      expect(message.base64).to.equal(PNG.toString('base64'));
      expect(message.imageMessage).to.deep.include({ id: sent.mediaId, mimetype: 'image/png', caption: 'a picture', fileLength: PNG.length });
      expect(peer.count(`/${peer.version}/${sent.mediaId}`, 'GET')).to.equal(1);
      // The store keeps what getBase64FromMediaMessage describes the file with, not the bytes.
      const found = await api.post('/chat/findMessages/biz', { where: { key: { id: sent.id } } });
      const stored = found.body.messages.records[0].message as Json;
      expect(stored.base64).to.equal(undefined);
      expect(stored.imageMessage).to.deep.include({ id: sent.mediaId, mimetype: 'image/png' });
      // Asked for later, the file is fetched again by its media id.
      const again = await api.post('/chat/getBase64FromMediaMessage/biz', { message: { key: { id: sent.id } } });
      expect(again.status, JSON.stringify(again.body)).to.equal(201);
      expect(again.body).to.deep.include({ mediaType: 'imageMessage', mimetype: 'image/png', base64: PNG.toString('base64') });
    });

    it('still sends the event of a media message whose file cannot be fetched, without base64', async () => {
      peer.revokeToken(token);
      try {
        const sent = peer.deliverMessage(phone.id, { type: 'document', from: '15557770005', bytes: Buffer.from('%PDF-1.4 a'), mimeType: 'application/pdf', filename: 'a.pdf' });
        await sent.delivery.done;
        const upserts = () => eventsOf(receiver, 'biz', 'messages.upsert').filter((r) => (dataOf(r).key as Json).id === sent.id);
        await eventually(() => upserts().length === 1, 10_000, 'the document upsert');
        const message = dataOf(upserts()[0]).message as Json;
        expect(message.base64).to.equal(undefined);
        expect(message.documentMessage).to.deep.include({ id: sent.mediaId, fileName: 'a.pdf', mimetype: 'application/pdf' });
      } finally {
        peer.addToken(token);
      }
    });

    it("answers 200 to a callback for a number no instance has, and drops it", async () => {
      const stranger = peer.addPhoneNumber();
      const sent = peer.deliverMessage(stranger.id, { type: 'text', from: '15557770006', text: 'anyone?' });
      await sent.delivery.done;
      expect(sent.delivery.attempts.map((a) => a.status)).to.deep.equal([200]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.requests.filter((r) => JSON.stringify(r.body).includes(sent.id))).to.deep.equal([]);
      expect(await rowCount(running.dataDir, 'meta_callbacks')).to.equal(0);
    });
  });
});

describe(`Business instances, inbound into Chatwoot (${testDatabase})`, function () {
  this.timeout(60_000);
  let peer: GraphPeer;
  let chatwoot: ChatwootPeer;
  let receiver: WebhookReceiver;
  let running: InProcessGateway;

  before(async () => {
    peer = await GraphPeer.start({ appSecret: APP_SECRET });
    chatwoot = await ChatwootPeer.start();
    receiver = await WebhookReceiver.start();
    running = await startInProcess({
      WA_BUSINESS_URL: peer.url,
      WA_BUSINESS_APP_SECRET: APP_SECRET,
      WA_BUSINESS_TOKEN_WEBHOOK: VERIFY_TOKEN,
      CHATWOOT_ENABLED: 'true',
      CHATWOOT_BOT_CONTACT: 'false',
      ...FAST_OUTBOX,
    });
    expect((await peer.subscribe(`${running.api.baseUrl}/webhook/meta`, VERIFY_TOKEN)).ok).to.equal(true);
  });

  after(async () => {
    await running?.stop();
    await peer?.stop();
    await chatwoot?.stop();
    await receiver?.stop();
  });

  it("makes a received text a message of the contact's Chatwoot conversation", async () => {
    const phone = peer.addPhoneNumber();
    const account = chatwoot.addAccount('biz-cw');
    await createBusiness(running.api, 'biz-cw', phone, peer.addToken(), receiver, {
      chatwootAccountId: String(account.id),
      chatwootToken: account.token,
      chatwootUrl: chatwoot.url,
    });
    const sent = peer.deliverMessage(phone.id, { type: 'text', from: '15557770101', name: 'Carla Cliente', text: 'I need help with my order' });
    await sent.delivery.done;
    await eventually(
      () => chatwoot.conversations(account.id).length === 1 && chatwoot.messages(chatwoot.conversations(account.id)[0].id).length === 1,
      20_000,
      'the Chatwoot message',
    );
    const [message] = chatwoot.messages(chatwoot.conversations(account.id)[0].id);
    expect(message.content).to.equal('I need help with my order');
    expect(message.messageType).to.equal('incoming');
    expect(message.sourceId).to.include(sent.id);
    const [person] = chatwoot.contacts(account.id);
    expect(person.name).to.equal('Carla Cliente');

    // The agent answers in Chatwoot: the reply leaves through Meta's API to the customer.
    chatwoot.inboxes(account.id)[0].webhookUrl = `${running.api.baseUrl}/chatwoot/webhook/biz-cw`;
    await chatwoot.agentReply(chatwoot.conversations(account.id)[0].id, { content: 'Your order ships **today**' });
    await eventually(() => peer.sent(phone.id).length === 1, 10_000, 'the reply at the Graph API');
    const [reply] = peer.sent(phone.id);
    expect(reply.body).to.deep.include({ to: '15557770101', type: 'text' });
    expect((reply.body.text as Json).body).to.equal('Your order ships *today*');
  });
});

describe(`Business callbacks that keep failing (${testDatabase})`, function () {
  this.timeout(60_000);
  let peer: GraphPeer;
  let receiver: WebhookReceiver;
  let running: InProcessGateway;
  let phone: PhoneNumber;
  let refusing: sinon.SinonStub | undefined;

  before(async () => {
    peer = await GraphPeer.start({ appSecret: APP_SECRET });
    receiver = await WebhookReceiver.start();
    running = await startInProcess({ ...businessEnv(peer), WA_BUSINESS_CALLBACK_ATTEMPTS: '3', WA_BUSINESS_CALLBACK_RETRY_MS: '20' });
    phone = peer.addPhoneNumber({ display_phone_number: '+1 555-010-0300' });
    await createBusiness(running.api, 'stuck', phone, peer.addToken(), receiver);
    expect((await peer.subscribe(`${running.api.baseUrl}/webhook/meta`, VERIFY_TOKEN)).ok).to.equal(true);
  });

  after(async () => {
    refusing?.restore();
    await running?.stop();
    await peer?.stop();
    await receiver?.stop();
  });

  /** Ids of the messages.upsert events the receiver got for the instance. */
  const upserted = () => eventsOf(receiver, 'stuck', 'messages.upsert').map((r) => String((dataOf(r).key as Json).id));

  it('sets aside a callback whose message the database keeps refusing, delivers the ones after it, and tries it again at the next start', async () => {
    const upsertMessages = MessageRepository.prototype.upsertMessages;
    refusing = sinon.stub(MessageRepository.prototype, 'upsertMessages').callsFake(async function (this: MessageRepository, records: MessageRecord[]) {
      if (records.some((record) => record.message.conversation === 'refused')) throw new Error('value refused by the database');
      return upsertMessages.call(this, records);
    });
    const refused = peer.deliverMessage(phone.id, { type: 'text', from: '15557770301', name: 'Rui', text: 'refused' });
    await refused.delivery.done;
    const after = peer.deliverMessage(phone.id, { type: 'text', from: '15557770301', name: 'Rui', text: 'after it' });
    await after.delivery.done;

    await eventually(() => upserted().includes(after.id), 10_000, 'the callback after the refused one');
    expect(upserted()).to.not.include(refused.id);
    expect(refusing.callCount, 'tried WA_BUSINESS_CALLBACK_ATTEMPTS times, each alone after its batch').to.be.at.least(3);
    expect(await rowCount(running.dataDir, 'meta_callbacks'), 'the refused callback is kept').to.equal(1);

    refusing.restore();
    await running.restart();
    await eventually(() => upserted().includes(refused.id), 10_000, 'the set-aside callback, at the next start');
    const found = await running.api.post('/chat/findMessages/stuck', { where: { key: { id: refused.id } } });
    expect(found.body.messages.records.map((r: { message: Json }) => r.message.conversation)).to.deep.equal(['refused']);
    await eventually(async () => (await rowCount(running.dataDir, 'meta_callbacks')) === 0, 5_000, 'the callback handled and removed');
  });
});

describe(`Business callbacks across a crash (${testDatabase})`, function () {
  this.timeout(90_000);
  let peer: GraphPeer;
  let receiver: WebhookReceiver;
  let gateway: GatewayProcess | undefined;
  let silent: http.Server;
  let silentRequests = 0;
  let hanging = false;

  before(async () => {
    peer = await GraphPeer.start({ appSecret: APP_SECRET });
    receiver = await WebhookReceiver.start();
    // In front of the peer: passes calls on until `hanging`, then takes them and never answers,
    // so the media fetch of the first run hangs there.
    silent = http.createServer((req, res) => {
      if (hanging) {
        silentRequests += 1;
        return;
      }
      const upstream = http.request(`${peer.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await gateway?.stop('SIGKILL');
    await gateway?.removeData();
    silent?.closeAllConnections();
    await new Promise((resolve) => silent?.close(resolve));
    await peer?.stop();
    await receiver?.stop();
  });

  it('delivers the event of a callback answered 200 when the gateway was SIGKILLed before handling it', async () => {
    const env = { WA_BUSINESS_APP_SECRET: APP_SECRET, WA_BUSINESS_TOKEN_WEBHOOK: VERIFY_TOKEN, WA_BUSINESS_TIMEOUT_MS: '60000', ...FAST_OUTBOX };
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    gateway = await GatewayProcess.start({ env: { ...env, WA_BUSINESS_URL: silentUrl } });
    const phone = peer.addPhoneNumber();
    const token = peer.addToken();
    await createBusiness(gateway.api(), 'crash', phone, token, receiver);
    expect((await peer.subscribe(`${gateway.url}/webhook/meta`, VERIFY_TOKEN)).ok).to.equal(true);
    hanging = true;

    const sent = peer.deliverMessage(phone.id, { type: 'image', from: '15557770201', name: 'Dara', bytes: PNG, mimeType: 'image/png' });
    await sent.delivery.done;
    expect(sent.delivery.attempts.map((a) => a.status), 'Meta was answered 200').to.deep.equal([200]);
    // The inbox is waiting on the media: the callback is stored, its event not yet made.
    await eventually(() => silentRequests > 0, 10_000, 'the media fetch under way');
    const killed = await gateway.stop('SIGKILL');
    expect(killed.signal).to.equal('SIGKILL');
    expect(await rowCount(gateway.dataDir, 'meta_callbacks'), 'the callback survived the kill').to.equal(1);
    expect(eventsOf(receiver, 'crash', 'messages.upsert')).to.deep.equal([]);

    gateway = await GatewayProcess.start({ dataDir: gateway.dataDir, env: { ...env, WA_BUSINESS_URL: peer.url } });
    await eventually(() => eventsOf(receiver, 'crash', 'messages.upsert').length > 0, 20_000, 'the event after the restart');
    const upserts = eventsOf(receiver, 'crash', 'messages.upsert');
    expect(upserts).to.have.length(1);
    const data = dataOf(upserts[0]);
    expect(data.key).to.deep.equal({ remoteJid: '15557770201@s.whatsapp.net', fromMe: false, id: sent.id });
    expect((data.message as Json).base64).to.equal(PNG.toString('base64'));
    await eventually(async () => (await rowCount(gateway!.dataDir, 'meta_callbacks')) === 0, 5_000, 'the callback handled and removed');
  });
});
