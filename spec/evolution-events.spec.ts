import { expect } from 'chai';
import { EVENT_LIST } from '../lib/events/names.js';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { emulatorEnv, stateOf, waitForState } from './support/paired.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const OWNER = '15550007000';
const CONTACT = '15550007001';
const NAME = 'evolution-events';
const UNAUTHORIZED = { status: 401, error: 'Unauthorized', response: { message: ['Unauthorized'] } };

describe('Evolution events, verify-creds and clientName', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let receiver: WebhookReceiver;
  let token: string;

  before(async () => {
    wa = await WaEmulator.start();
    receiver = await WebhookReceiver.start();
    gateway = await GatewayProcess.start({
      env: {
        ...emulatorEnv(wa),
        OUTBOX_POLL_MS: '50',
        DATABASE_CONNECTION_CLIENT_NAME: 'spec_client',
        FACEBOOK_APP_ID: '1234567890',
      },
    });
    api = gateway.api();
    wa.addContact(CONTACT, 'Dana Contact');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') {
      console.log('STDERR', gateway.stderr.join(''));
      console.log('LOGS', gateway.logs.slice(-40).map((l) => JSON.stringify(l)).join('\n'));
    }
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await receiver?.stop();
  });

  const eventsOf = (event: string) =>
    receiver.accepted.filter((r) => r.body.instance === NAME && r.body.event === event).map((r) => r.body.data as Record<string, unknown>);
  const statuses = () => eventsOf('status.instance').map((d) => d.status);

  it('accepts every event name Evolution accepts in a webhook events list', async () => {
    const created = await api.post('/instance/create', { instanceName: NAME });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    token = created.body.hash;
    for (const name of ['STATUS_INSTANCE', 'TYPEBOT_START', 'TYPEBOT_CHANGE_STATUS', 'SEND_MESSAGE_UPDATE']) expect(EVENT_LIST).to.include(name);
    const set = await api.post(`/webhook/set/${NAME}`, { webhook: { enabled: true, url: `${receiver.url}/hook`, events: EVENT_LIST } });
    expect(set.status, JSON.stringify(set.body)).to.equal(201);
    const found = await api.get(`/webhook/find/${NAME}`);
    expect(found.body.events).to.have.members(EVENT_LIST);
    const unknown = await api.post(`/webhook/set/${NAME}`, { webhook: { enabled: true, url: `${receiver.url}/hook`, events: ['TYPEBOT_STOP'] } });
    expect(unknown.status).to.equal(400);
  });

  it('sends status.instance connecting, then open, as the instance connects', async () => {
    const connect = await api.get(`/instance/connect/${NAME}`);
    expect(connect.status, JSON.stringify(connect.body)).to.equal(200);
    await wa.scanQr(connect.body.code, { phone: OWNER });
    await waitForState(api, NAME, 'open');
    await eventually(() => statuses().includes('open'), 5_000, 'status.instance open');
    expect(statuses()).to.deep.equal(['connecting', 'open']);
    expect(eventsOf('status.instance')[1]).to.deep.equal({ instance: NAME, status: 'open' });
  });

  it('repeats the receipts of a message sent through the API as send.message.update', async () => {
    wa.receiptPolicy({ delivery: 100, read: 400 });
    const sent = await api.post(`/message/sendText/${NAME}`, { number: CONTACT, text: 'tell me when you read this' });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    const id = sent.body.key.id as string;
    const updates = () => eventsOf('send.message.update').filter((d) => d.keyId === id);
    await eventually(() => updates().some((d) => d.status === 'READ'), 8_000, 'send.message.update READ');
    const seen = updates().map((d) => d.status);
    expect(seen).to.include('DELIVERY_ACK');
    expect(seen.indexOf('DELIVERY_ACK')).to.be.below(seen.indexOf('READ'));
    expect(updates()[0]).to.deep.include({ keyId: id, messageId: id, fromMe: true, remoteJid: sent.body.key.remoteJid });
    // The same facts still arrive as messages.update.
    const plain = eventsOf('messages.update').filter((d) => d.keyId === id).map((d) => d.status);
    expect(plain).to.include.members(['DELIVERY_ACK', 'READ']);
  });

  it('sends status.instance close and connecting again when the connection drops, then open', async () => {
    wa.kick(OWNER, 503);
    await eventually(() => statuses().filter((s) => s === 'open').length === 2, 10_000, 'status.instance open again');
    const afterDrop = statuses().slice(2);
    expect(afterDrop).to.deep.equal(['close', 'connecting', 'open']);
    const close = eventsOf('status.instance')[2];
    expect(close).to.include({ instance: NAME, status: 'close' });
    expect(close.disconnectionAt).to.be.a('string');
    expect(close.disconnectionObject).to.be.a('string');
  });

  it('sends logout.instance and status.instance close when the phone unlinks the device', async () => {
    wa.kick(OWNER, 'device_removed');
    await waitForState(api, NAME, 'close', 5_000);
    await eventually(() => eventsOf('logout.instance').length === 1, 5_000, 'logout.instance');
    expect(eventsOf('logout.instance')[0]).to.deep.equal({ instance: NAME });
    await eventually(() => eventsOf('status.instance').some((d) => d.status === 'close' && d.disconnectionReasonCode === 401), 5_000, 'status.instance close 401');
    expect((await stateOf(api, NAME)).state).to.equal('close');
    // The session is gone: connecting again asks for a new QR.
    const connect = await api.get(`/instance/connect/${NAME}`);
    expect(connect.status).to.equal(200);
    expect(connect.body.code).to.match(/^https:\/\/wa\.me\//);
  });

  it('answers verify-creds for the global key with Evolution body, 401 for any other key', async () => {
    const ok = await api.post('/verify-creds');
    expect(ok.status).to.equal(200);
    expect(ok.body).to.deep.equal({
      status: 200,
      message: 'Credentials are valid',
      facebookAppId: '1234567890',
      facebookConfigId: null,
      facebookUserToken: null,
    });
    for (const key of ['wrong-key', null, token]) {
      const res = await api.post('/verify-creds', undefined, { key });
      expect(res.status, `key ${key}`).to.equal(401);
      expect(res.body).to.deep.equal(UNAUTHORIZED);
    }
  });

  it('names the client in GET / and in fetchInstances', async () => {
    const root = await api.get('/', { key: null });
    expect(root.status).to.equal(200);
    expect(root.body).to.include({ status: 200, clientName: 'spec_client' });
    const [listed] = (await api.get(`/instance/fetchInstances?instanceName=${NAME}`)).body;
    expect(listed).to.include({ name: NAME, clientName: 'spec_client' });
    const [own] = (await api.get('/instance/fetchInstances', { key: token })).body;
    expect(own.clientName).to.equal('spec_client');
  });
});
