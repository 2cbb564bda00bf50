import { expect } from 'chai';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { HttpProxy } from './support/http-proxy.js';
import { createPaired, emulatorEnv, stateOf, waitForState } from './support/paired.js';
import { ProbeTarget } from './support/probe-target.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

describe('WhatsApp connection through the emulator', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let receiver: WebhookReceiver;
  let probe: ProbeTarget;
  let env: Record<string, string>;

  before(async () => {
    wa = await WaEmulator.start();
    receiver = await WebhookReceiver.start();
    probe = await ProbeTarget.start();
    env = {
      ...emulatorEnv(wa),
      PROXY_TEST_URL: probe.url,
      PROXY_TEST_TIMEOUT_MS: '2000',
      WEBHOOK_GLOBAL_ENABLED: 'true',
      WEBHOOK_GLOBAL_URL: `${receiver.url}/all`,
      OUTBOX_POLL_MS: '50',
    };
    gateway = await GatewayProcess.start({ env });
    api = gateway.api();
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
    await probe?.stop();
  });

  const eventsOf = (instance: string, event: string) =>
    receiver.accepted.filter((r) => r.body.instance === instance && r.body.event === event).map((r) => r.body.data as Record<string, unknown>);

  it('returns a QR at create; once the phone scans it the instance is open with its owner', async () => {
    const created = await api.post('/instance/create', { instanceName: 'pairing', qrcode: true });
    expect(created.status).to.equal(201);
    const qrcode = created.body.qrcode;
    expect(qrcode, 'no failure message beside a QR').to.have.all.keys('pairingCode', 'code', 'base64', 'count');
    expect(qrcode.pairingCode).to.equal(null);
    expect(qrcode.count).to.equal(1);
    expect(qrcode.code).to.match(/^https:\/\/wa\.me\/settings\/linked_devices#2@/);
    expect(qrcode.base64).to.match(/^data:image\/png;base64,iVBORw0KGgo/);
    const started = Date.now();
    await wa.scanQr(qrcode.code, { phone: '15550000001' });
    await waitForState(api, 'pairing', 'open', 5_000);
    expect(Date.now() - started).to.be.below(5_000);
    const [listed] = (await api.get('/instance/fetchInstances?instanceName=pairing')).body;
    expect(listed).to.include({ connectionStatus: 'open', ownerJid: '15550000001@s.whatsapp.net', workerState: 'running' });
    await eventually(() => eventsOf('pairing', 'connection.update').some((d) => d.state === 'open'), 5_000, 'connection.update open');
    expect(eventsOf('pairing', 'qrcode.updated')[0]).to.deep.include({ qrcode: { instance: 'pairing', pairingCode: null, code: qrcode.code, count: 1, base64: qrcode.base64 } });
    const connect = await api.get('/instance/connect/pairing');
    expect(connect.body).to.deep.equal({ instance: { instanceName: 'pairing', state: 'open' } });
  });

  it('returns a pairing code when connect is given a number', async () => {
    await api.post('/instance/create', { instanceName: 'by-code' });
    const res = await api.get('/instance/connect/by-code?number=15550002222');
    expect(res.status).to.equal(200);
    expect(res.body.pairingCode).to.match(/^[A-Z0-9]{8}$/);
    expect(res.body.code).to.be.a('string');
    await eventually(() => wa.pairingCodeRequests.some((r) => r.phone === '15550002222'), 5_000, 'the pairing request');
    await api.delete('/instance/delete/by-code');
  });

  it('reconnects at once when the server asks for a restart (515)', async () => {
    await createPaired(api, wa, 'restarts', '15550000002');
    wa.kick('15550000002', 515);
    await eventually(async () => (await stateOf(api, 'restarts')).state !== 'open', 3_000, 'the drop');
    await waitForState(api, 'restarts', 'open', 5_000);
    expect(wa.connections('15550000002')).to.equal(1);
  });

  it('clears the session when the phone unlinks the device (401): state close, and a new QR on connect', async () => {
    await createPaired(api, wa, 'unlinked', '15550000003');
    wa.kick('15550000003', 'device_removed');
    await waitForState(api, 'unlinked', 'close', 5_000);
    await eventually(() => eventsOf('unlinked', 'connection.update').some((d) => d.state === 'close' && d.statusReason === 401), 5_000, 'close event');
    const [listed] = (await api.get('/instance/fetchInstances?instanceName=unlinked')).body;
    expect(listed.disconnectionReasonCode).to.equal(401);
    const connect = await api.get('/instance/connect/unlinked');
    expect(connect.status).to.equal(200);
    expect(connect.body.code).to.match(/^https:\/\/wa\.me\//);
    expect(connect.body.count).to.equal(1);
    await wa.scanQr(connect.body.code, { phone: '15550000003' });
    await waitForState(api, 'unlinked', 'open', 5_000);
  });

  it('does not fight a session opened elsewhere (440): state close, no reconnect', async () => {
    await createPaired(api, wa, 'replaced', '15550000004');
    wa.kick('15550000004', 440);
    await waitForState(api, 'replaced', 'close', 5_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await stateOf(api, 'replaced')).state).to.equal('close');
    expect(wa.connections('15550000004')).to.equal(0);
  });

  it('rejects an incoming call with rejectCall on, and the caller receives msgCall', async () => {
    await createPaired(api, wa, 'no-calls', '15550000005', { rejectCall: true, msgCall: 'Calls are not answered here, please write.' });
    wa.addContact('15550008888', 'Caller');
    const { callId } = await wa.offerCall('15550008888', '15550000005');
    await eventually(() => wa.callRejections().some((r) => r.callId === callId), 5_000, 'the rejection');
    const text = await wa.nextMessage('15550008888');
    expect(text.message.extendedTextMessage?.text ?? text.message.conversation).to.equal('Calls are not answered here, please write.');
    await eventually(() => eventsOf('no-calls', 'call').some((d) => d.id === callId), 5_000, 'the call event');
  });

  it('takes rejectCall off live: a call is then left ringing', async () => {
    const set = await api.post('/settings/set/no-calls', { rejectCall: false });
    expect(set.status).to.equal(201);
    const { callId } = await wa.offerCall('15550008888', '15550000005');
    await eventually(() => eventsOf('no-calls', 'call').some((d) => d.id === callId), 5_000, 'the call event');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(wa.callRejections().some((r) => r.callId === callId)).to.equal(false);
  });

  it('connects through the instance\'s HTTP proxy, which sees the traffic', async () => {
    const proxy = await HttpProxy.start();
    try {
      const emulatorPort = new URL(wa.url).port;
      await createPaired(api, wa, 'proxied', '15550000006', {
        proxyHost: '127.0.0.1',
        proxyPort: String(proxy.port),
        proxyProtocol: 'http',
      });
      expect(proxy.seen).to.deep.include({ method: 'CONNECT', target: `127.0.0.1:${emulatorPort}` });
    } finally {
      await proxy.stop();
    }
  });

  it('reports a dead proxy as a failed connection with its reason, and keeps running', async () => {
    const proxy = await HttpProxy.start();
    await api.post('/instance/create', { instanceName: 'dead-proxy', proxyHost: '127.0.0.1', proxyPort: String(proxy.port) });
    await proxy.stop();
    const connect = await api.get('/instance/connect/dead-proxy');
    expect(connect.status).to.equal(503);
    expect(connect.body.response.message[0]).to.match(/^WhatsApp connection failed: /);
    const [listed] = (await api.get('/instance/fetchInstances?instanceName=dead-proxy')).body;
    expect(['close', 'connecting']).to.include(listed.connectionStatus);
    expect(JSON.parse(listed.disconnectionObject).reason).to.be.a('string');
    expect(listed.workerState).to.equal('running');
    expect((await api.get('/health')).status).to.equal(200);
    await api.delete('/instance/delete/dead-proxy');
  });

  it('restarts the socket when the proxy changes', async () => {
    const proxy = await HttpProxy.start();
    try {
      const set = await api.post('/proxy/set/restarts', { enabled: true, host: '127.0.0.1', port: String(proxy.port), protocol: 'http' });
      expect(set.status).to.equal(201);
      await eventually(() => proxy.seen.some((r) => r.method === 'CONNECT'), 5_000, 'a connection through the new proxy');
      await waitForState(api, 'restarts', 'open', 5_000);
    } finally {
      await api.post('/proxy/set/restarts', { enabled: false });
      await proxy.stop();
    }
  });

  it('sets the account presence and a chat state on the real socket', async () => {
    await createPaired(api, wa, 'present', '15550000008', {}, { business: true });
    const inbound = (tag: string) => wa.stanzas.filter((s) => s.dir === 'in' && s.phone === '15550000008' && s.node.tag === tag);

    const available = await api.post('/instance/setPresence/present', { presence: 'available' });
    expect(available.status).to.equal(201);
    expect(available.body).to.deep.equal({ presence: 'available' });
    await eventually(() => inbound('presence').some((s) => s.node.attrs.type === 'available'), 5_000, 'the presence stanza');
    expect(inbound('presence').find((s) => s.node.attrs.type === 'available')!.node.attrs.name).to.equal('Owner of present');

    const typing = await api.post('/instance/setPresence/present', { presence: 'composing', number: '15550007777' });
    expect(typing.status).to.equal(201);
    await eventually(() => inbound('chatstate').some((s) => s.node.attrs.to === '15550007777@s.whatsapp.net'), 5_000, 'the chat state');
    const chatstate = inbound('chatstate').find((s) => s.node.attrs.to === '15550007777@s.whatsapp.net')!;
    expect((chatstate.node.content as { tag: string }[])[0].tag).to.equal('composing');
  });

  it('goes online and offline live as alwaysOnline is switched', async () => {
    const presences = () =>
      wa.stanzas.filter((s) => s.dir === 'in' && s.phone === '15550000008' && s.node.tag === 'presence').map((s) => s.node.attrs.type);
    const before = presences().length;
    expect((await api.post('/settings/set/present', { alwaysOnline: true })).status).to.equal(201);
    await eventually(() => presences().slice(before).includes('available'), 5_000, 'online');
    expect((await api.post('/settings/set/present', { alwaysOnline: false })).status).to.equal(201);
    await eventually(() => presences().slice(before).includes('unavailable'), 5_000, 'offline');
  });

  it('refuses a chat state without a chat, and an account presence before WhatsApp named the account', async () => {
    const noChat = await api.post('/instance/setPresence/present', { presence: 'recording' });
    expect(noChat.status).to.equal(400);
    expect(noChat.body.response.message).to.deep.equal(['number is required when presence is composing, recording or paused']);
    await createPaired(api, wa, 'unnamed', '15550000009');
    const unnamed = await api.post('/instance/setPresence/unnamed', { presence: 'unavailable' });
    expect(unnamed.status).to.equal(400);
    expect(unnamed.body.response.message[0]).to.match(/profile name/);
  });

  it('logs out through the API: WhatsApp forgets the device, the instance stays', async () => {
    await createPaired(api, wa, 'logging-out', '15550000007');
    const res = await api.delete('/instance/logout/logging-out');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } });
    expect((await stateOf(api, 'logging-out')).state).to.equal('close');
    await eventually(() => wa.connections('15550000007') === 0, 5_000, 'the socket closed');
    const connect = await api.get('/instance/connect/logging-out');
    expect(connect.body.code).to.match(/^https:\/\/wa\.me\//);
  });

  it('restarts an instance through the API without a new QR', async () => {
    const res = await api.post('/instance/restart/pairing');
    expect(res.status).to.equal(200);
    await waitForState(api, 'pairing', 'open', 5_000);
  });

  it('brings every open instance back after the process restarts, without a QR', async () => {
    const open = ['pairing', 'restarts', 'no-calls', 'unlinked'];
    for (const name of open) expect((await stateOf(api, name)).state).to.equal('open');
    const exit = await gateway.stop('SIGTERM');
    expect(exit.code).to.equal(0);
    gateway = await GatewayProcess.start({ dataDir: gateway.dataDir, env });
    api = gateway.api();
    for (const name of open) await waitForState(api, name, 'open', 10_000);
    expect((await stateOf(api, 'replaced')).state).to.equal('close');
    expect((await stateOf(api, 'replaced')).workerState).to.equal('stopped');
  });
});

describe('QR code limit', function () {
  this.timeout(30_000);

  it('stops asking after QRCODE_LIMIT codes and goes to close', async () => {
    const wa = await WaEmulator.start({ media: false });
    const gateway = await GatewayProcess.start({ env: { ...emulatorEnv(wa), QRCODE_LIMIT: '3', WA_QR_TIMEOUT_MS: '200' } });
    try {
      const api = gateway.api();
      const created = await api.post('/instance/create', { instanceName: 'unscanned', qrcode: true });
      expect(created.body.qrcode.count).to.equal(1);
      await waitForState(api, 'unscanned', 'close', 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await stateOf(api, 'unscanned')).state).to.equal('close');
      const pairDevices = wa.stanzas.filter((s) => s.dir === 'out' && s.summary.includes('pair-device')).length;
      expect(pairDevices).to.equal(1);
    } finally {
      await gateway.stop();
      await gateway.removeData();
      await wa.stop();
    }
  });
});
