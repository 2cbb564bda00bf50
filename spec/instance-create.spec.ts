import { expect } from 'chai';
import { createServer, type AddressInfo } from 'node:net';
import type { Api } from './support/api.js';
import { API_KEY, GatewayProcess } from './support/gateway-process.js';
import { GraphPeer } from './support/graph-peer/peer.js';
import { HttpProxy } from './support/http-proxy.js';
import { ProbeTarget } from './support/probe-target.js';

function messagesOf(body: { response?: { message?: string[] } }): string[] {
  return body.response?.message ?? [];
}

/** Every field the create route accepts, nested forms included. */
function fullCreateBody(name: string, proxyPort: number) {
  return {
    instanceName: name,
    token: `token-of-${name}`,
    number: '5511999990000',
    qrcode: false,
    integration: 'WHATSAPP-BAILEYS',
    rejectCall: true,
    msgCall: 'I cannot take calls',
    groupsIgnore: true,
    alwaysOnline: true,
    readMessages: true,
    readStatus: true,
    syncFullHistory: true,
    proxyHost: '127.0.0.1',
    proxyPort: String(proxyPort),
    proxyProtocol: 'http',
    proxyUsername: 'user',
    proxyPassword: 'pass',
    webhookUrl: 'http://flat.example/ignored',
    webhook: {
      url: 'http://hooks.example/wa',
      byEvents: true,
      base64: true,
      headers: { authorization: 'Bearer x' },
      events: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'],
    },
    rabbitmq: { enabled: true, events: ['MESSAGES_UPSERT'] },
    sqsEnabled: true,
    sqsEvents: ['SEND_MESSAGE'],
    nats: { enabled: false, events: [] },
    chatwootAccountId: '7',
    chatwootToken: 'cw-token',
    chatwootUrl: 'https://chatwoot.example',
    chatwootSignMsg: true,
    chatwootReopenConversation: true,
    chatwootConversationPending: true,
    chatwootImportContacts: true,
    chatwootImportMessages: true,
    chatwootMergeBrazilContacts: true,
    chatwootDaysLimitImportMessages: 30,
    chatwootNameInbox: 'Sales inbox',
    chatwootOrganization: 'ACME',
    chatwootLogo: 'https://acme.example/logo.png',
    someFieldClientsSend: 'ignored',
  };
}

describe('POST /instance/create and authentication', function () {
  this.timeout(60_000);
  let gateway: GatewayProcess;
  let api: Api;
  let proxy: HttpProxy;
  let probe: ProbeTarget;
  // Business instances are checked against the Graph API at create.
  let graph: GraphPeer;
  let env: Record<string, string>;

  before(async () => {
    proxy = await HttpProxy.start({ username: 'user', password: 'pass' });
    probe = await ProbeTarget.start();
    graph = await GraphPeer.start();
    env = { PROXY_TEST_URL: probe.url, PROXY_TEST_TIMEOUT_MS: '2000', WA_BUSINESS_URL: graph.url, WA_BUSINESS_VERSION: graph.version };
    gateway = await GatewayProcess.start({ env });
    api = gateway.api();
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await proxy?.stop();
    await probe?.stop();
    await graph?.stop();
  });

  describe('rejects bad input with 400 naming the field and the rule', () => {
    const cases: [string, object, RegExp][] = [
      ['missing instanceName', { qrcode: false }, /^instanceName is required$/],
      // Clients send "" for a field left empty: it counts as not given.
      ['empty instanceName', { instanceName: '' }, /^instanceName is required$/],
      ['instanceName with a slash', { instanceName: 'my/shop' }, /^instanceName must be usable as one URL path segment/],
      ['invalid integration', { instanceName: 'x1', integration: 'TELEGRAM' }, /^Invalid integration/],
      ['Business without number', { instanceName: 'x2', integration: 'WHATSAPP-BUSINESS', businessId: '1' }, /^number is required when integration is WHATSAPP-BUSINESS$/],
      ['Business without businessId', { instanceName: 'x3', integration: 'WHATSAPP-BUSINESS', number: '5511999990000' }, /^businessId is required when integration is WHATSAPP-BUSINESS$/],
      ['msgCall without rejectCall', { instanceName: 'x4', msgCall: 'busy' }, /^rejectCall is required when msgCall is given$/],
      ['msgCall with rejectCall false', { instanceName: 'x5', msgCall: 'busy', rejectCall: false }, /^rejectCall must be true when msgCall is given$/],
      ['proxyHost without proxyPort', { instanceName: 'x6', proxyHost: '127.0.0.1' }, /^proxyPort is required when proxyHost is given$/],
      ['proxyPort out of range', { instanceName: 'x7', proxyHost: '127.0.0.1', proxyPort: '70000' }, /^proxyPort must be a port number \(1-65535\)$/],
      ['wrong type', { instanceName: 'x8', rejectCall: 'yes' }, /^rejectCall must be a boolean$/],
      ['webhook url not http', { instanceName: 'x9', webhook: { url: 'ftp://x' } }, /^webhook\.url must be an http\(s\) URL$/],
      ['unknown event', { instanceName: 'x10', webhookEvents: ['NOT_AN_EVENT'] }, /^webhookEvents\[0\] must be an event name/],
      ['chatwootUrl not a URL', { instanceName: 'x11', chatwootAccountId: '1', chatwootToken: 't', chatwootUrl: 'nope' }, /^chatwootUrl must be an http\(s\) URL$/],
    ];
    for (const [title, body, expected] of cases) {
      it(title, async () => {
        const res = await api.post('/instance/create', body);
        expect(res.status).to.equal(400);
        expect(res.body).to.include({ status: 400, error: 'Bad Request' });
        expect(messagesOf(res.body).some((m) => expected.test(m)), JSON.stringify(res.body)).to.equal(true);
      });
    }

    it('names each missing Chatwoot field when the config is partial', async () => {
      const res = await api.post('/instance/create', { instanceName: 'cw-partial', chatwootUrl: 'https://cw.example' });
      expect(res.status).to.equal(400);
      expect(messagesOf(res.body)).to.have.members([
        'chatwootAccountId is required when Chatwoot is configured',
        'chatwootToken is required when Chatwoot is configured',
      ]);
    });

    it('answers malformed JSON with 400, not 500', async () => {
      const res = await api.post('/instance/create', undefined, { raw: '{"instanceName": ' });
      expect(res.status).to.equal(400);
      expect(messagesOf(res.body)[0]).to.match(/^Invalid JSON body/);
    });

    it('answers 400 Invalid proxy when the proxy cannot be used, and creates nothing', async () => {
      const res = await api.post('/instance/create', {
        instanceName: 'bad-proxy',
        proxyHost: '127.0.0.1',
        proxyPort: '1',
        proxyProtocol: 'http',
      });
      expect(res.status).to.equal(400);
      expect(messagesOf(res.body)[0]).to.match(/^Invalid proxy/);
      const list = await api.get('/instance/fetchInstances?instanceName=bad-proxy');
      expect(list.status).to.equal(404);
    });

    it('answers 400 Invalid proxy when the proxy refuses the credentials', async () => {
      const res = await api.post('/instance/create', {
        instanceName: 'wrong-proxy-pass',
        proxyHost: '127.0.0.1',
        proxyPort: String(proxy.port),
        proxyUsername: 'user',
        proxyPassword: 'wrong',
      });
      expect(res.status).to.equal(400);
      expect(messagesOf(res.body)[0]).to.match(/^Invalid proxy/);
    });
  });

  describe('authentication', () => {
    it('answers 401 without a key or with a wrong one', async () => {
      for (const key of [null, 'wrong-key', '']) {
        const res = await api.post('/instance/create', { instanceName: 'nokey' }, { key });
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal({ status: 401, error: 'Unauthorized', response: { message: ['Unauthorized'] } });
      }
    });

    it("keeps one instance's token out of another instance", async () => {
      const a = await api.post('/instance/create', { instanceName: 'tenant-a' });
      const b = await api.post('/instance/create', { instanceName: 'tenant-b' });
      expect(a.status).to.equal(201);
      expect(b.status).to.equal(201);
      const tokenA = a.body.hash as string;

      const own = await api.get('/instance/connectionState/tenant-a', { key: tokenA });
      expect(own.status).to.equal(200);
      expect(own.body.instance).to.include({ instanceName: 'tenant-a', state: 'close' });

      const other = await api.get('/instance/connectionState/tenant-b', { key: tokenA });
      expect(other.status).to.equal(401);
      const otherSettings = await api.post('/settings/set/tenant-b', { rejectCall: true }, { key: tokenA });
      expect(otherSettings.status).to.equal(401);
      const deleteOther = await api.delete('/instance/delete/tenant-b', { key: tokenA });
      expect(deleteOther.status).to.equal(401);
      // Unknown instance: same answer, so a token cannot probe which names exist.
      const unknown = await api.get('/instance/connectionState/no-such-instance', { key: tokenA });
      expect(unknown.status).to.equal(401);

      const listed = await api.get('/instance/fetchInstances', { key: tokenA });
      expect(listed.status).to.equal(200);
      expect(listed.body.map((i: { name: string }) => i.name)).to.deep.equal(['tenant-a']);
      expect(listed.body[0]).not.to.have.property('token');

      const create = await api.post('/instance/create', { instanceName: 'by-token' }, { key: tokenA });
      expect(create.status).to.equal(401);
    });

    it('answers 404 to the global key for an unknown instance', async () => {
      const res = await api.get('/instance/connectionState/does-not-exist');
      expect(res.status).to.equal(404);
      expect(messagesOf(res.body)).to.deep.equal(['The "does-not-exist" instance does not exist']);
    });

    it('answers 404 in the error format for unknown routes', async () => {
      const res = await api.post('/x', {});
      expect(res.status).to.equal(404);
      expect(messagesOf(res.body)).to.deep.equal(['Cannot POST /x']);
    });
  });

  it('answers 403 when the name is taken', async () => {
    expect((await api.post('/instance/create', { instanceName: 'dup' })).status).to.equal(201);
    const again = await api.post('/instance/create', { instanceName: 'dup' });
    expect(again.status).to.equal(403);
    expect(messagesOf(again.body)).to.deep.equal(['This name "dup" is already in use.']);
  });

  it('creates with every field, answers the full shape, and keeps it across a restart', async () => {
    const seenBefore = proxy.seen.length;
    const res = await api.post('/instance/create', fullCreateBody('full', proxy.port));
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const body = res.body;
    expect(body).to.have.all.keys('instance', 'hash', 'webhook', 'websocket', 'rabbitmq', 'nats', 'sqs', 'settings', 'chatwoot');
    expect(body.instance).to.include({
      instanceName: 'full',
      integration: 'WHATSAPP-BAILEYS',
      webhookWaBusiness: null,
      accessTokenWaBusiness: '',
      status: 'close',
    });
    expect(body.instance.instanceId).to.match(/^[0-9a-f-]{36}$/);
    expect(body.hash).to.equal('token-of-full');
    expect(body.webhook).to.deep.equal({
      webhookUrl: 'http://hooks.example/wa',
      webhookHeaders: { authorization: 'Bearer x' },
      webhookByEvents: true,
      webhookBase64: true,
      webhookEvents: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'],
    });
    expect(body.websocket).to.deep.equal({ enabled: false });
    expect(body.rabbitmq).to.deep.equal({ enabled: true, events: ['MESSAGES_UPSERT'] });
    expect(body.sqs).to.deep.equal({ enabled: true, events: ['SEND_MESSAGE'] });
    expect(body.nats).to.deep.equal({ enabled: false, events: [] });
    expect(body.settings).to.deep.equal({
      rejectCall: true,
      msgCall: 'I cannot take calls',
      groupsIgnore: true,
      alwaysOnline: true,
      readMessages: true,
      readStatus: true,
      syncFullHistory: true,
    });
    expect(body.chatwoot).to.include({
      enabled: true,
      accountId: '7',
      token: 'cw-token',
      url: 'https://chatwoot.example',
      nameInbox: 'Sales inbox',
      signMsg: true,
      reopenConversation: true,
      conversationPending: true,
      importContacts: true,
      importMessages: true,
      mergeBrazilContacts: true,
      daysLimitImportMessages: 30,
      organization: 'ACME',
      logo: 'https://acme.example/logo.png',
      webhookUrl: 'http://gateway.test/chatwoot/webhook/full',
    });
    // The proxy was tested through the real proxy, to the configured probe target.
    expect(proxy.seen.slice(seenBefore)).to.deep.include({ method: 'GET', target: probe.url });

    const before = (await api.get('/instance/fetchInstances?instanceName=full')).body;
    expect(before).to.have.length(1);
    expect(before[0]).to.include({ name: 'full', token: 'token-of-full', number: '5511999990000', connectionStatus: 'close' });
    expect(before[0].Proxy).to.include({ enabled: true, host: '127.0.0.1', port: String(proxy.port), protocol: 'http', username: 'user', password: 'pass' });
    expect(before[0].Webhook).to.include({ url: 'http://hooks.example/wa', byEvents: true, base64: true });
    expect(before[0].Rabbitmq).to.include({ enabled: true });
    expect(before[0].Sqs).to.include({ enabled: true });
    expect(before[0].Nats).to.include({ enabled: false });
    expect(before[0].Setting).to.include({ rejectCall: true, msgCall: 'I cannot take calls' });
    expect(before[0].Chatwoot).to.include({ accountId: '7', nameInbox: 'Sales inbox' });
    expect(before[0]._count).to.deep.equal({ Message: 0, Contact: 0, Chat: 0 });

    const stopped = await gateway.stop('SIGTERM');
    expect(stopped.code).to.equal(0);
    gateway = await GatewayProcess.start({ dataDir: gateway.dataDir, env });
    api = gateway.api();

    const after = (await api.get('/instance/fetchInstances?instanceName=full')).body;
    expect(after).to.deep.equal(before.map((item: object) => ({ ...item })));
    // The token still works after the restart.
    const own = await api.get('/instance/connectionState/full', { key: 'token-of-full' });
    expect(own.status).to.equal(200);
  });

  it('returns the Business webhook and verify token for WHATSAPP-BUSINESS', async () => {
    const phone = graph.addPhoneNumber();
    const res = await api.post('/instance/create', {
      instanceName: 'biz',
      integration: 'WHATSAPP-BUSINESS',
      number: phone.id,
      businessId: phone.wabaId,
      token: graph.addToken('meta-access-token'),
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.instance).to.include({
      webhookWaBusiness: 'http://gateway.test/webhook/meta',
      webhook_wa_business: 'http://gateway.test/webhook/meta',
      accessTokenWaBusiness: 'evolution',
      access_token_wa_business: 'evolution',
    });
  });

  it('generates an upper-case UUID token when none is given', async () => {
    const res = await api.post('/instance/create', { instanceName: 'generated-token' });
    expect(res.status).to.equal(201);
    expect(res.body.hash).to.match(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(API_KEY).not.to.equal(res.body.hash);
  });
});

describe('POST /instance/create with qrcode when WhatsApp cannot be reached', function () {
  this.timeout(30_000);
  let gateway: GatewayProcess;

  before(async () => {
    // A port that was free a moment ago: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    gateway = await GatewayProcess.start({
      env: { WA_WEBSOCKET_URL: `ws://127.0.0.1:${port}/ws/chat`, WA_CONNECT_TIMEOUT_MS: '2000' },
    });
  });
  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
  });

  it('still creates the instance (201) and says in qrcode.message why there is no QR', async () => {
    const api = gateway.api();
    const res = await api.post('/instance/create', { instanceName: 'unreachable', qrcode: true });
    expect(res.status).to.equal(201);
    expect(res.body.qrcode).to.include({ pairingCode: null, code: null, base64: null, count: 0 });
    expect(res.body.qrcode.message).to.match(/^WhatsApp connection failed: .*ECONNREFUSED/);
    const [listed] = (await api.get('/instance/fetchInstances?instanceName=unreachable')).body;
    expect(listed.name).to.equal('unreachable');
  });
});
