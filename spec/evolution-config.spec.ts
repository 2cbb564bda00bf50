import { expect } from 'chai';
import type { Api } from './support/api.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { ProbeTarget } from './support/probe-target.js';
import { Socks5Proxy } from './support/socks5-proxy.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

// Bodies below are shaped as Evolution's clients send them: the manager UI and
// the n8n node send every field of their forms, "" or null where the user
// left it empty.
describe('configuration bodies of Evolution clients', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let probe: ProbeTarget;

  before(async () => {
    wa = await WaEmulator.start();
    probe = await ProbeTarget.start();
    gateway = await GatewayProcess.start({ env: { ...emulatorEnv(wa), PROXY_TEST_URL: probe.url, PROXY_TEST_TIMEOUT_MS: '2000' } });
    api = gateway.api();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log('LOGS', gateway.logs.slice(-30).map((l) => JSON.stringify(l)).join('\n'));
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
    await probe?.stop();
  });

  const path = (route: string, name: string) => `${route}/${encodeURIComponent(name)}`;

  it('creates from a form with every optional field blank, configuring nothing it left empty', async () => {
    const created = await api.post('/instance/create', {
      instanceName: 'blank-form',
      token: '',
      number: null,
      businessId: null,
      qrcode: false,
      integration: 'WHATSAPP-BAILEYS',
      rejectCall: false,
      msgCall: '',
      groupsIgnore: false,
      alwaysOnline: false,
      readMessages: false,
      readStatus: false,
      syncFullHistory: false,
      proxyHost: '',
      proxyPort: '',
      proxyProtocol: '',
      proxyUsername: '',
      proxyPassword: '',
      webhook: { url: '', byEvents: false, base64: false, headers: null, events: [] },
      rabbitmq: { enabled: false, events: [] },
      sqs: { enabled: false, events: [] },
      chatwootAccountId: '',
      chatwootToken: '',
      chatwootUrl: '',
      chatwootSignMsg: false,
      chatwootReopenConversation: false,
      chatwootConversationPending: false,
      chatwootImportContacts: false,
      chatwootNameInbox: null,
      chatwootMergeBrazilContacts: false,
      chatwootImportMessages: false,
      chatwootDaysLimitImportMessages: null,
      chatwootOrganization: '',
      chatwootLogo: '',
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.hash).to.match(/^[0-9A-F-]{36}$/);
    expect(created.body).to.not.have.property('chatwoot');
    const [listed] = (await api.get('/instance/fetchInstances?instanceName=blank-form')).body;
    expect(listed).to.include({ number: null, businessId: null, Proxy: null, Webhook: null, Chatwoot: null });
    expect(listed.Setting).to.include({ rejectCall: false, msgCall: '' });
    expect((await api.get('/chatwoot/find/blank-form')).body).to.include({ enabled: false, accountId: '' });
  });

  it('counts only non-empty Chatwoot fields as a partial configuration', async () => {
    const partial = await api.post('/instance/create', { instanceName: 'half-chatwoot', chatwootAccountId: '3', chatwootToken: '', chatwootUrl: null });
    expect(partial.status).to.equal(400);
    expect(partial.body.response.message).to.have.members([
      'chatwootToken is required when Chatwoot is configured',
      'chatwootUrl is required when Chatwoot is configured',
    ]);
    expect((await api.get('/instance/fetchInstances?instanceName=half-chatwoot')).status).to.equal(404);
  });

  it('lets an empty address switch a configuration off on its set route', async () => {
    const name = 'switch-off';
    expect((await api.post('/instance/create', { instanceName: name, webhookUrl: 'http://127.0.0.1:9/hook' })).status).to.equal(201);

    const webhook = await api.post(`/webhook/set/${name}`, { webhook: { enabled: true, url: '', byEvents: false, base64: false, events: [] } });
    expect(webhook.status, JSON.stringify(webhook.body)).to.equal(201);
    expect((await api.get(`/webhook/find/${name}`)).body).to.include({ enabled: false, url: '' });

    const proxy = await api.post(`/proxy/set/${name}`, { enabled: true, host: '', port: '', protocol: 'http', username: '', password: '' });
    expect(proxy.status, JSON.stringify(proxy.body)).to.equal(201);
    expect((await api.get(`/proxy/find/${name}`)).body).to.include({ enabled: false, host: '' });

    const chatwoot = await api.post(`/chatwoot/set/${name}`, {
      enabled: true,
      accountId: '',
      token: '',
      url: '',
      signMsg: false,
      reopenConversation: false,
      conversationPending: false,
      nameInbox: null,
      importContacts: false,
      importMessages: false,
      daysLimitImportMessages: null,
    });
    expect(chatwoot.status, JSON.stringify(chatwoot.body)).to.equal(201);
    expect((await api.get(`/chatwoot/find/${name}`)).body).to.include({ enabled: false, accountId: '', url: '', nameInbox: name });

    const settings = await api.post(`/settings/set/${name}`, { rejectCall: true, msgCall: '', readMessages: null });
    expect(settings.status, JSON.stringify(settings.body)).to.equal(201);
    expect(settings.body.settings.settings).to.include({ rejectCall: true, msgCall: '', readMessages: false });
  });

  it('accepts names with spaces and accents on every route, and refuses a slash with a clear message', async () => {
    const name = 'Loja São Paulo #2';
    const created = await api.post('/instance/create', { instanceName: name });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.instance.instanceName).to.equal(name);
    expect((await api.get(path('/instance/connectionState', name))).body.instance).to.include({ instanceName: name, state: 'close' });
    expect((await api.post(path('/settings/set', name), { alwaysOnline: true })).status).to.equal(201);
    expect((await api.get(path('/settings/find', name))).body).to.include({ alwaysOnline: true });
    const [listed] = (await api.get(`/instance/fetchInstances?instanceName=${encodeURIComponent(name)}`)).body;
    expect(listed.name).to.equal(name);
    const byToken = await api.get(path('/settings/find', name), { key: created.body.hash });
    expect(byToken.status).to.equal(200);
    expect((await api.delete(path('/instance/delete', name))).status).to.equal(200);

    const slash = await api.post('/instance/create', { instanceName: 'north/south' });
    expect(slash.status).to.equal(400);
    expect(slash.body.response.message).to.deep.equal([
      'instanceName must be usable as one URL path segment: no "/", "\\" or control characters, and not "." or ".."',
    ]);
  });

  it('takes proxyProtocol "socks" as SOCKS5: tested, stored and used for the WhatsApp connection', async () => {
    const socks = await Socks5Proxy.start({ username: 'u', password: 'p w' });
    try {
      const name = 'Atendimento Ágil';
      await createPaired(api, wa, name, '15550000071', {
        proxyHost: '127.0.0.1',
        proxyPort: String(socks.port),
        proxyProtocol: 'socks',
        proxyUsername: 'u',
        proxyPassword: 'p w',
      });
      const emulatorPort = new URL(wa.url).port;
      expect(socks.seen).to.include(`127.0.0.1:${new URL(probe.url).port}`);
      expect(socks.seen).to.include(`127.0.0.1:${emulatorPort}`);
      expect((await api.get(path('/proxy/find', name))).body).to.include({ enabled: true, protocol: 'socks5' });
    } finally {
      await socks.stop();
    }
  });
});
