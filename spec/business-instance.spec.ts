import { expect } from 'chai';
import { eventually } from './support/eventually.js';
import { createBusiness, startBusinessWorld, type BusinessWorld } from './support/business.js';
import type { PhoneNumber } from './support/graph-peer/state.js';
import { HttpProxy } from './support/http-proxy.js';
import { routeTable } from '../lib/http/route-table.js';
import { join } from 'node:path';
import { loadConfig } from '../lib/config.js';
import { startGateway } from '../lib/gateway.js';
import { createLogger } from '../lib/logger.js';
import { Api } from './support/api.js';
import { API_KEY } from './support/gateway-process.js';
import { postgresDatabaseName, postgresUrl, testDatabase } from './support/test-database.js';

const state = async (world: BusinessWorld, name: string) => (await world.api.get(`/instance/connectionState/${encodeURIComponent(name)}`)).body.instance;

describe('WhatsApp Business instances: create, state, restart, logout, delete', function () {
  this.timeout(30_000);
  let world: BusinessWorld;
  let phone: PhoneNumber;
  let token: string;

  before(async () => {
    world = await startBusinessWorld();
    phone = world.peer.addPhoneNumber({ display_phone_number: '+1 555-010-0100', verified_name: 'Acme Shop' });
    token = world.peer.addToken();
  });

  after(() => world?.stop());

  it('refuses a token Meta does not accept, naming the token, and stores nothing', async () => {
    const created = await createBusiness(world, 'bad-token', 'EAAGnot-a-real-token', phone);
    expect(created.status).to.equal(400);
    expect(created.body.response.message[0]).to.match(/^token is not a valid Meta access token: \(#190\) Invalid OAuth access token/);
    expect(JSON.stringify(created.body)).to.not.include('EAAGnot-a-real-token');
    expect((await world.api.get('/instance/fetchInstances?instanceName=bad-token')).status).to.equal(404);
  });

  it('refuses a number the token may not use', async () => {
    const created = await createBusiness(world, 'bad-number', token, { id: '999999999999999', wabaId: phone.wabaId });
    expect(created.status).to.equal(400);
    expect(created.body.response.message[0]).to.match(/^number 999999999999999 is not a WhatsApp Business phone number id this token may use: \(#100\)/);
  });

  it('creates an open instance as Meta describes the number, and reports connection.update', async () => {
    const created = await createBusiness(world, 'acme', token, phone);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.instance).to.include({ instanceName: 'acme', integration: 'WHATSAPP-BUSINESS', status: 'open' });
    expect(created.body.hash).to.equal(token);
    const [listed] = (await world.api.get('/instance/fetchInstances?instanceName=acme')).body;
    expect(listed).to.include({ connectionStatus: 'open', ownerJid: '15550100100@s.whatsapp.net', profileName: 'Acme Shop', number: phone.id, businessId: phone.wabaId });
    expect(await state(world, 'acme')).to.deep.equal({ instanceName: 'acme', state: 'open', workerState: 'stopped' });
    await eventually(() => world.receiver.events().includes('connection.update'), 5_000, 'connection.update');
    const update = world.receiver.accepted.find((r) => r.body.event === 'connection.update');
    expect(update?.body.data).to.deep.equal({ instance: 'acme', state: 'open', statusReason: 200, wuid: '15550100100@s.whatsapp.net' });
    expect(update?.body.sender).to.equal('15550100100@s.whatsapp.net');
    expect(world.peer.count(`/${world.peer.version}/${phone.id}`, 'GET')).to.be.greaterThan(0);
  });

  it('checks the account through the proxy given at create', async () => {
    const proxy = await HttpProxy.start();
    try {
      const other = world.peer.addPhoneNumber({ display_phone_number: '+1 555-030-0300', verified_name: 'Proxied' });
      const created = await createBusiness(world, 'proxied', world.peer.addToken(), other, { proxyHost: '127.0.0.1', proxyPort: String(proxy.port), proxyProtocol: 'http' });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      expect(world.probe.hits).to.be.greaterThan(0);
      expect(proxy.seen.some((r) => r.target.includes(new URL(world.peer.url).host) && r.target.includes(`/${other.id}?`))).to.equal(true);
      expect((await world.api.delete('/instance/delete/proxied')).status).to.equal(200);
    } finally {
      await proxy.stop();
    }
  });

  it('answers 400 to what a Cloud API number cannot do, and to connect', async () => {
    const refused: Array<[string, string, unknown]> = [
      ['POST', '/group/create/acme', { subject: 'g', participants: ['15550001111'] }],
      ['POST', '/chat/fetchProfilePictureUrl/acme', { number: '15550001111' }],
      ['GET', '/chat/fetchPrivacySettings/acme', undefined],
      ['POST', '/chat/updatePrivacySettings/acme', { readreceipts: 'all', profile: 'all', status: 'all', online: 'all', last: 'all', groupadd: 'all' }],
      ['POST', '/instance/setPresence/acme', { presence: 'available' }],
      ['POST', '/chat/sendPresence/acme', { number: '15550001111', presence: 'composing', delay: 100 }],
      ['POST', '/label/handleLabel/acme', { number: '15550001111', labelId: '1', action: 'add' }],
      ['POST', '/call/offer/acme', { number: '15550001111', callDuration: 1 }],
      ['POST', '/chat/whatsappNumbers/acme', { numbers: ['15550001111'] }],
      ['POST', '/message/sendPoll/acme', { number: '15550001111', name: 'q', selectableCount: 1, values: ['a', 'b'] }],
      ['POST', '/message/sendStatus/acme', { type: 'text', content: 'hi', backgroundColor: '#000000', font: 1, statusJidList: ['15550001111'] }],
      ['POST', '/chat/updateProfileName/acme', { name: 'x' }],
      ['POST', '/message/sendButtons/acme', { number: '15550001111', title: 't', buttons: [{ type: 'url', displayText: 'site', url: 'https://example.com' }] }],
      ['POST', '/message/sendText/acme', { number: '120363000000000000@g.us', text: 'hi' }],
    ];
    for (const [method, path, body] of refused) {
      const answer = await world.api.request(method, path, body);
      expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).to.equal(400);
      expect(answer.body.response.message[0], path).to.match(/not available for WHATSAPP-BUSINESS instances$/);
    }
    const connect = await world.api.get('/instance/connect/acme');
    expect(connect.status).to.equal(400);
    expect(world.peer.sent(phone.id)).to.have.length(0);
  });

  it('answers every instance route of a Business instance without a 5xx', async () => {
    const routes = routeTable(world.gateway.gateway.app).filter((route) => route.path.includes(':instanceName') && !route.path.startsWith('/instance/'));
    expect(routes.length).to.be.greaterThan(50);
    for (const route of routes) {
      const path = route.path.replace(':instanceName', 'acme');
      const answer = await world.api.request(route.method, path, route.method === 'GET' ? undefined : {});
      expect(answer.status, `${route.method} ${path}: ${JSON.stringify(answer.body)}`).to.be.below(500);
    }
    expect((await state(world, 'acme')).state).to.equal('open');
  });

  it('closes the instance when Meta refuses its token later, and opens it again on restart once the token is good', async () => {
    world.peer.revokeToken(token);
    const sent = await world.api.post('/message/sendText/acme', { number: '15550001111', text: 'hello' });
    expect(sent.status).to.equal(400);
    expect(sent.body.response.message[0]).to.match(/^Meta refused to send the message: \(#190\)/);
    expect((await state(world, 'acme')).state).to.equal('close');
    await eventually(() => world.receiver.accepted.some((r) => r.body.event === 'connection.update' && (r.body.data as { state: string }).state === 'close'), 5_000, 'connection.update close');
    const closed = await world.api.post('/message/sendText/acme', { number: '15550001111', text: 'hello' });
    expect(closed.status).to.equal(400);
    expect(closed.body.response.message[0]).to.equal('The "acme" instance is not connected');

    const stillRefused = await world.api.post('/instance/restart/acme');
    expect(stillRefused.status).to.equal(400);
    expect(stillRefused.body.response.message[0]).to.match(/^token is not a valid Meta access token/);
    expect(world.receiver.events(), 'a refused token is no logout').to.not.include('logout.instance');
    const [listed] = (await world.api.get('/instance/fetchInstances?instanceName=acme')).body;
    expect(listed).to.include({ connectionStatus: 'close', disconnectionReasonCode: 190 });
    world.peer.addToken(token);
    const restarted = await world.api.post('/instance/restart/acme');
    expect(restarted.status, JSON.stringify(restarted.body)).to.equal(200);
    expect(restarted.body).to.deep.equal({ instance: { instanceName: 'acme', state: 'open' } });
    const again = await world.api.post('/message/sendText/acme', { number: '15550001111', text: 'hello again' });
    expect(again.status, JSON.stringify(again.body)).to.equal(201);
  });

  it('logs out to close and deletes', async () => {
    const logout = await world.api.delete('/instance/logout/acme');
    expect(logout.status, JSON.stringify(logout.body)).to.equal(200);
    expect((await state(world, 'acme')).state).to.equal('close');
    await eventually(() => world.receiver.events().includes('logout.instance'), 5_000, 'logout.instance');
    const [listed] = (await world.api.get('/instance/fetchInstances?instanceName=acme')).body;
    expect(listed.connectionStatus).to.equal('close');
    const deleted = await world.api.delete('/instance/delete/acme');
    expect(deleted.status).to.equal(200);
    expect((await world.api.get('/instance/fetchInstances?instanceName=acme')).status).to.equal(404);
  });

  it('comes back open after the gateway restarts, without a worker, and sends', async () => {
    const created = await createBusiness(world, 'boot', world.peer.addToken(), phone);
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    await world.gateway.gateway.stop();
    const url = testDatabase === 'sqlite' ? `sqlite:${join(world.gateway.dataDir, 'gateway.sqlite')}` : postgresUrl(postgresDatabaseName(world.gateway.dataDir));
    const config = loadConfig({ AUTHENTICATION_API_KEY: API_KEY, SERVER_PORT: '0', SERVER_HOST: '127.0.0.1', DATABASE_URL: url, LOG_LEVEL: 'silent', ...world.env });
    const second = await startGateway(config, createLogger('silent'));
    try {
      const api = new Api(`http://127.0.0.1:${second.port}`, API_KEY);
      const answer = await api.get('/instance/connectionState/boot');
      expect(answer.body.instance).to.deep.equal({ instanceName: 'boot', state: 'open', workerState: 'stopped' });
      const sent = await api.post('/message/sendText/boot', { number: '15550001111', text: 'after a restart' });
      expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    } finally {
      await second.stop();
    }
  });
});
