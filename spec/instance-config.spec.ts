import { expect } from 'chai';
import type { Api } from './support/api.js';
import { GatewayProcess } from './support/gateway-process.js';
import { HttpProxy } from './support/http-proxy.js';
import { ProbeTarget } from './support/probe-target.js';

describe('per-instance configuration routes', function () {
  this.timeout(60_000);
  let gateway: GatewayProcess;
  let api: Api;
  let token: string;
  let proxy: HttpProxy;
  let probe: ProbeTarget;

  before(async () => {
    proxy = await HttpProxy.start();
    probe = await ProbeTarget.start();
    gateway = await GatewayProcess.start({ env: { PROXY_TEST_URL: probe.url, PROXY_TEST_TIMEOUT_MS: '2000' } });
    api = gateway.api();
    const created = await api.post('/instance/create', { instanceName: 'shop' });
    expect(created.status).to.equal(201);
    token = created.body.hash;
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await proxy?.stop();
    await probe?.stop();
  });

  it('settings: set merges, find returns what was stored, bad input names the field', async () => {
    const set = await api.post('/settings/set/shop', { rejectCall: true, msgCall: 'busy', groupsIgnore: true }, { key: token });
    expect(set.status).to.equal(201);
    expect(set.body.settings.settings).to.deep.equal({
      rejectCall: true,
      msgCall: 'busy',
      groupsIgnore: true,
      alwaysOnline: false,
      readMessages: false,
      readStatus: false,
      syncFullHistory: false,
    });
    const more = await api.post('/settings/set/shop', { readMessages: true });
    expect(more.body.settings.settings).to.include({ rejectCall: true, readMessages: true });
    const found = await api.get('/settings/find/shop');
    expect(found.status).to.equal(200);
    expect(found.body).to.include({ rejectCall: true, msgCall: 'busy', groupsIgnore: true, readMessages: true });

    const bad = await api.post('/settings/set/shop', { alwaysOnline: 'yes', msgCall: 'x', rejectCall: false });
    expect(bad.status).to.equal(400);
    expect(bad.body.response.message).to.have.members([
      'alwaysOnline must be a boolean',
      'rejectCall must be true when msgCall is given',
    ]);
  });

  it('proxy: tested before saving; find returns it; disabling clears it', async () => {
    const none = await api.get('/proxy/find/shop');
    expect(none.status).to.equal(200);
    expect(none.body).to.equal(null);

    const dead = await api.post('/proxy/set/shop', { enabled: true, host: '127.0.0.1', port: '1', protocol: 'http' });
    expect(dead.status).to.equal(400);
    expect(dead.body.response.message[0]).to.match(/^Invalid proxy/);
    expect((await api.get('/proxy/find/shop')).body).to.equal(null);

    const missing = await api.post('/proxy/set/shop', { enabled: true, protocol: 'http' });
    expect(missing.status).to.equal(400);
    expect(missing.body.response.message).to.have.members([
      'host is required when enabled is true',
      'port is required when enabled is true',
    ]);

    const before = proxy.seen.length;
    const set = await api.post('/proxy/set/shop', { enabled: true, host: '127.0.0.1', port: String(proxy.port), protocol: 'http' });
    expect(set.status).to.equal(201);
    expect(set.body.proxy.proxy).to.include({ enabled: true, host: '127.0.0.1', port: String(proxy.port) });
    expect(proxy.seen.length).to.be.greaterThan(before);
    expect((await api.get('/proxy/find/shop')).body).to.include({ enabled: true, port: String(proxy.port) });

    const off = await api.post('/proxy/set/shop', { enabled: false });
    expect(off.status).to.equal(201);
    expect((await api.get('/proxy/find/shop')).body).to.include({ enabled: false, host: '' });
  });

  it('webhook: set and find, url required when enabled', async () => {
    expect((await api.get('/webhook/find/shop')).body).to.equal(null);
    const missing = await api.post('/webhook/set/shop', { webhook: { enabled: true } });
    expect(missing.status).to.equal(400);
    expect(missing.body.response.message).to.deep.equal(['webhook.url is required when enabled is true']);
    const noWrapper = await api.post('/webhook/set/shop', { enabled: true, url: 'http://x.example' });
    expect(noWrapper.status).to.equal(400);
    expect(noWrapper.body.response.message).to.deep.equal(['webhook is required']);

    const set = await api.post('/webhook/set/shop', {
      webhook: { enabled: true, url: 'https://hooks.example/in', byEvents: true, base64: false, headers: { 'x-a': '1' }, events: ['CALL'] },
    });
    expect(set.status).to.equal(201);
    expect(set.body).to.include({ enabled: true, url: 'https://hooks.example/in', byEvents: true, webhookByEvents: true });
    const found = await api.get('/webhook/find/shop', { key: token });
    expect(found.body).to.include({ url: 'https://hooks.example/in', enabled: true });
    expect(found.body.events).to.deep.equal(['CALL']);
    expect(found.body.headers).to.deep.equal({ 'x-a': '1' });
  });

  for (const kind of ['rabbitmq', 'sqs', 'nats']) {
    it(`${kind}: set and find, enabled required`, async () => {
      expect((await api.get(`/${kind}/find/shop`)).body).to.equal(null);
      const bad = await api.post(`/${kind}/set/shop`, { [kind]: { events: ['CALL'] } });
      expect(bad.status).to.equal(400);
      expect(bad.body.response.message).to.deep.equal([`${kind}.enabled is required`]);
      const wrongEvent = await api.post(`/${kind}/set/shop`, { [kind]: { enabled: true, events: ['NOPE'] } });
      expect(wrongEvent.status).to.equal(400);
      expect(wrongEvent.body.response.message[0]).to.match(new RegExp(`^${kind}\\.events\\[0\\] must be an event name`));

      const set = await api.post(`/${kind}/set/shop`, { [kind]: { enabled: true, events: ['MESSAGES_UPSERT'] } });
      expect(set.status).to.equal(201);
      expect(set.body).to.include({ enabled: true });
      const found = await api.get(`/${kind}/find/shop`);
      expect(found.body).to.include({ enabled: true });
      expect(found.body.events).to.deep.equal(['MESSAGES_UPSERT']);
    });
  }

  it('chatwoot: empty shape before, set validates, find returns the config and webhook_url', async () => {
    const before = await api.get('/chatwoot/find/shop');
    expect(before.body).to.deep.equal({ enabled: false, url: '', accountId: '', token: '', signMsg: false, nameInbox: '', webhook_url: '' });
    const partial = await api.post('/chatwoot/set/shop', { enabled: true, url: 'https://cw.example' });
    expect(partial.status).to.equal(400);
    expect(partial.body.response.message).to.have.members([
      'accountId is required when enabled is true',
      'token is required when enabled is true',
    ]);
    const set = await api.post('/chatwoot/set/shop', { enabled: true, accountId: '3', token: 'secret', url: 'https://cw.example/', signMsg: false });
    expect(set.status).to.equal(201);
    expect(set.body).to.include({ enabled: true, accountId: '3', url: 'https://cw.example', nameInbox: 'shop' });
    expect(set.body.webhook_url).to.equal('http://gateway.test/chatwoot/webhook/shop');
    const found = await api.get('/chatwoot/find/shop');
    expect(found.body).to.include({ accountId: '3', token: 'secret', webhook_url: 'http://gateway.test/chatwoot/webhook/shop' });
  });

  it('refuses values too long or too large to store with a 400 naming the field, and stores those at the limit', async () => {
    const x = (n: number) => 'x'.repeat(n);
    const refused = [
      ['/webhook/set/shop', { webhook: { enabled: true, url: 'https://hooks.example/in', secret: x(256) } }, 'webhook.secret must be at most 255 characters long'],
      ['/instance/create', { instanceName: 'long', businessId: x(65) }, 'businessId must be at most 64 characters long'],
      ['/instance/create', { instanceName: 'long', proxyHost: x(256), proxyPort: 8080 }, 'proxyHost must be at most 255 characters long'],
      ['/proxy/set/shop', { enabled: true, host: 'h', port: 1, username: x(256) }, 'username must be at most 255 characters long'],
      ['/chatwoot/set/shop', { enabled: true, accountId: '3', token: x(256), url: 'https://cw.example' }, 'token must be at most 255 characters long'],
      ['/chatwoot/set/shop', { enabled: true, accountId: '3', token: 't', url: 'https://cw.example', number: x(33) }, 'number must be at most 32 characters long'],
      ['/chatwoot/set/shop', { enabled: true, accountId: '3', token: 't', url: 'https://cw.example', daysLimitImportMessages: 2 ** 31 }, 'daysLimitImportMessages must be <= 2147483647'],
      ['/chat/findMessages/shop', { where: { messageTimestamp: { gte: 1e20 } } }, 'where.messageTimestamp.gte must be a date (ISO 8601) or unix seconds'],
      ['/outbox/replay/shop', { ids: [1e20] }, `ids[0] must be <= ${Number.MAX_SAFE_INTEGER}`],
    ] as const;
    for (const [path, body, message] of refused) {
      const res = await api.post(path, body);
      expect(res.status, path).to.equal(400);
      expect(res.body.response.message, path).to.include(message);
    }

    const created = await api.post('/instance/create', { instanceName: 'long', businessId: x(64) });
    expect(created.status).to.equal(201);
    const secret = await api.post('/webhook/set/long', { webhook: { enabled: true, url: 'https://hooks.example/long', secret: x(255) } });
    expect(secret.status).to.equal(201);
    expect((await api.get('/webhook/find/long')).body).to.include({ hasSecret: true });
    expect((await api.delete('/instance/delete/long')).status).to.equal(200);
  });

  it('fetchInstances shows every configuration set through the routes', async () => {
    const [item] = (await api.get('/instance/fetchInstances?instanceName=shop')).body;
    expect(item.Setting).to.include({ rejectCall: true, readMessages: true });
    expect(item.Webhook).to.include({ url: 'https://hooks.example/in' });
    expect(item.Rabbitmq).to.include({ enabled: true });
    expect(item.Sqs).to.include({ enabled: true });
    expect(item.Nats).to.include({ enabled: true });
    expect(item.Chatwoot).to.include({ accountId: '3' });
    expect(item.Proxy).to.include({ enabled: false });
  });

  it('logout of an instance that is not connected is a 400; delete removes the instance and its token', async () => {
    const logout = await api.delete('/instance/logout/shop');
    expect(logout.status).to.equal(400);
    expect(logout.body.response.message).to.deep.equal(['The "shop" instance is not connected']);

    const removed = await api.delete('/instance/delete/shop', { key: token });
    expect(removed.status).to.equal(200);
    expect(removed.body).to.deep.equal({ status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } });
    expect((await api.get('/instance/fetchInstances')).body).to.deep.equal([]);
    expect((await api.get('/settings/find/shop')).status).to.equal(404);
    expect((await api.get('/instance/fetchInstances', { key: token })).status).to.equal(401);
  });
});
