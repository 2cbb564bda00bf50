import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { routeTable, type RouteEntry } from '../lib/http/route-table.js';
import { MAX_JSON_DEPTH } from '../lib/http/json-shape.js';
import type { Api } from './support/api.js';
import { API_KEY } from './support/gateway-process.js';
import { startInProcess, type InProcessGateway } from './support/in-process-gateway.js';
import { createPaired, emulatorEnv, stateOf } from './support/paired.js';
import { testDatabase } from './support/test-database.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const OWNER = '15550007000';
const CONTACT = '15550007001';
/** Connected: most routes are tried on it. */
const ALIVE = 'alive';
/** Not connected: the routes that would log out, delete or restart are tried on it. */
const SPARE = 'spare';
const WRONG_KEY = 'wrong-key-0123456789';
const BODY_LIMIT_BYTES = 64 * 1024;

/** Methods whose bodies the gateway reads. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Sent {
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * What a kind of bad input must get. `status` holds for the global key; with
 * a wrong key the answer is that status when the check comes before
 * authentication (`beforeAuth`), else 401 or that status.
 */
interface Expectation {
  status: number | 'no-5xx';
  message?: RegExp;
  beforeAuth?: boolean;
}

interface BadInput {
  name: string;
  applies(route: RouteEntry): boolean;
  make(path: string): Sent;
  expect: Expectation;
}

function nestedJson(levels: number): string {
  return '{"m":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
}

function jsonBody(path: string, body: string | Buffer, headers: Record<string, string> = {}): Sent {
  return { path, body, headers: { 'content-type': 'application/json', ...headers } };
}

/** A path with its instance segment replaced; routes without one get it appended. */
function withSegment(route: RouteEntry, segment: string): string {
  return route.path.includes(':instanceName') ? route.path.replace(':instanceName', segment) : `${route.path.replace(/\/$/, '')}/${segment}`;
}

const anyRoute = () => true;
const bodyRoute = (route: RouteEntry) => BODY_METHODS.has(route.method);

const fullGzip = gzipSync(Buffer.from(JSON.stringify({ number: CONTACT, text: 'x'.repeat(500), where: {} })));

const BAD_INPUTS: BadInput[] = [
  // Bodies
  { name: 'no body', applies: bodyRoute, make: (path) => ({ path }), expect: { status: 'no-5xx' } },
  {
    name: 'text/plain body',
    applies: bodyRoute,
    make: (path) => ({ path, body: 'hello', headers: { 'content-type': 'text/plain' } }),
    expect: { status: 415, message: /Content-Type text\/plain is not supported/ },
  },
  {
    name: 'XML body',
    applies: bodyRoute,
    make: (path) => ({ path, body: '<a>1</a>', headers: { 'content-type': 'application/xml' } }),
    expect: { status: 415, message: /application\/xml is not supported/ },
  },
  {
    name: 'body without a content type',
    applies: bodyRoute,
    make: (path) => ({ path, body: '{"a":1}' }),
    expect: { status: 'no-5xx' },
  },
  {
    name: 'form body',
    applies: bodyRoute,
    make: (path) => ({ path, body: 'a=1&b[c]=2&where=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    expect: { status: 'no-5xx' },
  },
  {
    name: 'truncated gzip body',
    applies: bodyRoute,
    make: (path) => jsonBody(path, fullGzip.subarray(0, fullGzip.length - 20), { 'content-encoding': 'gzip' }),
    expect: { status: 400, message: /could not be decompressed/ },
  },
  {
    name: 'broken JSON',
    applies: bodyRoute,
    make: (path) => jsonBody(path, '{"number": "1", '),
    expect: { status: 400, message: /^Invalid JSON body/ },
  },
  {
    name: 'JSON nested ten thousand levels deep inside quoted.message',
    applies: bodyRoute,
    make: (path) =>
      jsonBody(path, `{"number":"${CONTACT}","text":"x","quoted":{"key":{"id":"A","remoteJid":"${CONTACT}@s.whatsapp.net"},"message":${nestedJson(10_000)}}}`),
    expect: { status: 400, message: new RegExp(`at most ${MAX_JSON_DEPTH} levels deep`), beforeAuth: true },
  },
  {
    name: 'NUL character in a body string',
    applies: bodyRoute,
    make: (path) => jsonBody(path, JSON.stringify({ number: CONTACT, text: 'a\u0000b', msgCall: '\u0000', where: { remoteJid: '\u0000' } })),
    expect: { status: 400, message: /must not contain the NUL character/, beforeAuth: true },
  },
  {
    name: 'huge numbers in every numeric field',
    applies: bodyRoute,
    make: (path) =>
      jsonBody(
        path,
        '{"delay":1e300,"page":1e300,"offset":-1e300,"ids":[1e300],"latitude":-1e300,"longitude":1e400,"selectableCount":1e300,' +
          '"port":1e300,"daysLimitImportMessages":1e300,"accountId":-1e300,"where":{"messageTimestamp":{"gte":1e300,"lte":-1e300}}}',
      ),
    expect: { status: 'no-5xx' },
  },
  {
    name: 'an array where an object is expected',
    applies: bodyRoute,
    make: (path) => jsonBody(path, '[{"number":"1"},[],null]'),
    expect: { status: 'no-5xx' },
  },
  {
    name: 'objects and arrays where strings are expected',
    applies: bodyRoute,
    make: (path) =>
      jsonBody(path, JSON.stringify({ instanceName: {}, number: ['1'], text: { a: 1 }, webhook: { url: {} }, where: { remoteJid: [] }, key: 'k' })),
    expect: { status: 'no-5xx' },
  },
  {
    name: 'duplicated keys',
    applies: bodyRoute,
    make: (path) => jsonBody(path, '{"where":{},"where":[],"enabled":true,"enabled":"x"}'),
    expect: { status: 'no-5xx' },
  },
  {
    name: '__proto__ key',
    applies: bodyRoute,
    make: (path) => jsonBody(path, '{"__proto__":{"enabled":true},"where":{}}'),
    expect: { status: 400, message: /prototype/ },
  },
  {
    name: 'invalid UTF-8 in a JSON body',
    applies: bodyRoute,
    make: (path) => jsonBody(path, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d])),
    expect: { status: 'no-5xx' },
  },
  {
    name: 'body over the size limit',
    applies: bodyRoute,
    make: (path) => jsonBody(path, JSON.stringify({ text: 'x'.repeat(BODY_LIMIT_BYTES + 10) })),
    expect: { status: 413, message: /larger than the limit/ },
  },

  // Paths
  {
    name: 'NUL character in a path segment',
    applies: anyRoute,
    make: (path) => ({ path }),
    expect: { status: 400, message: /path must not contain the NUL character/, beforeAuth: true },
  },
  {
    name: 'invalid percent-encoding in the path',
    applies: anyRoute,
    make: (path) => ({ path }),
    expect: { status: 400, message: /not valid percent-encoded UTF-8/, beforeAuth: true },
  },
  { name: 'very long path segment', applies: anyRoute, make: (path) => ({ path }), expect: { status: 'no-5xx' } },
  { name: 'spaces and accents in the path', applies: anyRoute, make: (path) => ({ path }), expect: { status: 'no-5xx' } },

  // Query strings
  {
    name: 'NUL character in the query',
    applies: anyRoute,
    make: (path) => ({ path: `${path}?instanceName=a%00b&limit=1` }),
    expect: { status: 400, message: /Query parameter instanceName must not contain the NUL character/, beforeAuth: true },
  },
  {
    name: 'huge numbers, repeated and bracketed parameters in the query',
    applies: anyRoute,
    make: (path) => ({ path: `${path}?limit=1e300&offset=-1e300&page=99999999999999999999&instanceName=a&instanceName=b&number[]=1&instanceId=%E0%A4%A` }),
    expect: { status: 'no-5xx' },
  },
];

/** The path a kind of bad input is sent to on one route. */
function pathFor(input: BadInput, route: RouteEntry): string {
  const destructive = /\/(logout|delete|restart)\//.test(route.path);
  const target = destructive ? SPARE : ALIVE;
  switch (input.name) {
    case 'NUL character in a path segment':
      return withSegment(route, 'a%00b');
    case 'invalid percent-encoding in the path':
      return withSegment(route, '%E0%A4%A');
    case 'very long path segment':
      return withSegment(route, 'x'.repeat(4000));
    case 'spaces and accents in the path':
      return withSegment(route, 'caf%C3%A9%20x');
    default:
      return route.path.replace(':instanceName', target);
  }
}

interface Answer {
  status: number;
  body: unknown;
}

async function send(baseUrl: string, method: string, key: string, sent: Sent): Promise<Answer> {
  const response = await fetch(`${baseUrl}${sent.path}`, { method, headers: { apikey: key, ...sent.headers }, body: sent.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: kept as text, the assertions say so
  }
  return { status: response.status, body };
}

function expectErrorBody(answer: Answer, what: string): string[] {
  const body = answer.body as { status?: unknown; error?: unknown; response?: { message?: unknown } };
  expect(body, `${what}: error body`).to.be.an('object');
  expect(body.status, `${what}: status in the body`).to.equal(answer.status);
  expect(body.error, `${what}: error`).to.be.a('string').and.not.empty;
  const messages = body.response?.message;
  expect(messages, `${what}: messages`).to.be.an('array').that.is.not.empty;
  for (const message of messages as unknown[]) expect(message, `${what}: message`).to.be.a('string').and.not.empty;
  return messages as string[];
}

describe(`bad input on every route (${testDatabase})`, function () {
  this.timeout(240_000);
  let wa: WaEmulator;
  let running: InProcessGateway;
  let api: Api;
  let routes: RouteEntry[];

  before(async () => {
    wa = await WaEmulator.start();
    running = await startInProcess({ ...emulatorEnv(wa), SERVER_BODY_LIMIT: String(BODY_LIMIT_BYTES) });
    api = running.api;
    routes = routeTable(running.gateway.app);
    await createPaired(api, wa, ALIVE, OWNER);
    expect((await api.post('/instance/create', { instanceName: SPARE })).status).to.equal(201);
    wa.addContact(CONTACT, 'Dana Contact');
  });

  after(async () => {
    await running?.stop();
    await wa?.stop();
  });

  it('finds the routes in the app, instance routes and the create route among them', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    expect(names).to.include.members([
      'POST /instance/create',
      'POST /message/sendText/:instanceName',
      'POST /chat/findChats/:instanceName',
      'POST /settings/set/:instanceName',
      'POST /outbox/replay/:instanceName',
      'DELETE /instance/delete/:instanceName',
      'GET /settings/find/:instanceName',
    ]);
    expect(routes.length).to.be.greaterThan(40);
  });

  for (const input of BAD_INPUTS) {
    it(`answers ${input.name} on every route with ${input.expect.status === 'no-5xx' ? 'no 5xx' : input.expect.status}, with either key`, async () => {
      const failures: string[] = [];
      for (const route of routes.filter((r) => input.applies(r))) {
        const sent = input.make(pathFor(input, route));
        for (const key of [API_KEY, WRONG_KEY]) {
          const what = `${route.method} ${sent.path.slice(0, 80)} (${key === API_KEY ? 'global key' : 'wrong key'})`;
          const answer = await send(running.api.baseUrl, route.method, key, sent);
          try {
            expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.be.below(500);
            if (answer.status >= 400) {
              const messages = expectErrorBody(answer, what);
              const { status, message, beforeAuth } = input.expect;
              if (status === 'no-5xx') continue;
              const allowed = key === API_KEY || beforeAuth || route.path === '/' || route.path === '/health' ? [status] : [status, 401];
              expect(answer.status, `${what}: ${messages.join('; ')}`).to.be.oneOf(allowed);
              if (message && answer.status === status) expect(messages.join('; '), what).to.match(message);
            } else {
              expect(input.expect.status, `${what} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`).to.equal('no-5xx');
            }
          } catch (error) {
            failures.push((error as Error).message);
          }
        }
      }
      expect(failures, failures.join('\n')).to.deep.equal([]);
    });
  }

  {
    // Fields held to what storage holds: PostgreSQL refuses longer strings and larger numbers.
    const cases: { route: string; body: Record<string, unknown>; message: RegExp }[] = [
      { route: '/instance/create', body: { instanceName: 'x'.repeat(101) }, message: /^instanceName must be at most 100 characters long$/ },
      { route: '/instance/create', body: { instanceName: 'n1', token: 't'.repeat(256) }, message: /^token must be at most 255 characters long$/ },
      { route: '/instance/create', body: { instanceName: 'n1', businessId: '1'.repeat(65) }, message: /^businessId must be at most 64 characters long$/ },
      { route: '/instance/create', body: { instanceName: 'n1', proxyHost: 'a b', proxyPort: 80 }, message: /^proxyHost must be a host name or an IP address/ },
      { route: '/instance/create', body: { instanceName: 'n1', proxyHost: 'h.test', proxyPort: 80, proxyUsername: 'u'.repeat(256) }, message: /^proxyUsername must be at most 255/ },
      { route: '/instance/create', body: { instanceName: 'n1', proxyHost: 'h.test', proxyPort: 1e300 }, message: /^proxyPort must be a port number/ },
      {
        route: '/instance/create',
        body: { instanceName: 'n1', chatwootAccountId: 1e300, chatwootToken: 't', chatwootUrl: 'http://c.test' },
        message: /^chatwootAccountId must be/,
      },
      {
        route: '/instance/create',
        body: { instanceName: 'n1', chatwootAccountId: '1', chatwootToken: 't', chatwootUrl: 'http://c.test', chatwootDaysLimitImportMessages: -1e300 },
        message: /^chatwootDaysLimitImportMessages must be >= 0$/,
      },
      {
        route: '/instance/create',
        body: { instanceName: 'n1', chatwootAccountId: '1', chatwootToken: 't'.repeat(256), chatwootUrl: 'http://c.test' },
        message: /^chatwootToken must be at most 255 characters long$/,
      },
      { route: `/proxy/set/${ALIVE}`, body: { enabled: true, host: 'a b', port: 8080 }, message: /^host must be a host name or an IP address/ },
      { route: `/proxy/set/${ALIVE}`, body: { enabled: true, host: 'h'.repeat(256), port: 8080 }, message: /^host must be at most 255 characters long/ },
      { route: `/proxy/set/${ALIVE}`, body: { enabled: true, host: 'h.test', port: 1e300 }, message: /^port must be a port number/ },
      { route: `/proxy/set/${ALIVE}`, body: { enabled: true, host: 'h.test', port: 80, password: 'p'.repeat(256) }, message: /^password must be at most 255/ },
      { route: `/webhook/set/${ALIVE}`, body: { webhook: { enabled: false, secret: 's'.repeat(256) } }, message: /^webhook\.secret must be at most 255/ },
      { route: `/chatwoot/set/${ALIVE}`, body: { enabled: false, signDelimiter: 'd'.repeat(33) }, message: /^signDelimiter must be at most 32/ },
      { route: `/chatwoot/set/${ALIVE}`, body: { enabled: false, number: '1'.repeat(33) }, message: /^number must be at most 32/ },
      { route: `/chatwoot/set/${ALIVE}`, body: { enabled: false, organization: 'o'.repeat(256) }, message: /^organization must be at most 255/ },
      { route: `/chatwoot/set/${ALIVE}`, body: { enabled: false, accountId: 1e300 }, message: /^accountId must be <= 9007199254740991$/ },
      { route: `/chatwoot/set/${ALIVE}`, body: { enabled: false, daysLimitImportMessages: 1e300 }, message: /^daysLimitImportMessages must be <= 2147483647$/ },
      { route: `/message/sendText/${ALIVE}`, body: { number: `${'1'.repeat(120)}@s.whatsapp.net`, text: 'x' }, message: /^number must be at most 128/ },
      { route: `/message/sendText/${ALIVE}`, body: { number: CONTACT, text: 'x', delay: 1e300 }, message: /^delay must be a delay in milliseconds/ },
      {
        route: `/message/sendText/${ALIVE}`,
        body: { number: CONTACT, text: 'x', quoted: { key: { id: 'i'.repeat(129), remoteJid: CONTACT } } },
        message: /^quoted\.key\.id must be at most 128/,
      },
      { route: `/message/sendLocation/${ALIVE}`, body: { number: CONTACT, latitude: -1e300, longitude: 1 }, message: /^latitude must be >= -90$/ },
      { route: `/message/sendPoll/${ALIVE}`, body: { number: CONTACT, name: 'q', values: ['a', 'b'], selectableCount: 1e300 }, message: /^selectableCount must be <= 12$/ },
      {
        route: `/message/sendReaction/${ALIVE}`,
        body: { key: { id: 'i'.repeat(129), remoteJid: CONTACT, fromMe: true }, reaction: 'x' },
        message: /^key\.id must be at most 128/,
      },
      { route: `/chat/findMessages/${ALIVE}`, body: { page: 1e300 }, message: /^page must be <= 9007199254740991$/ },
      { route: `/chat/findMessages/${ALIVE}`, body: { offset: -1e300 }, message: /^offset must be >= 0$/ },
      { route: `/chat/findMessages/${ALIVE}`, body: { where: { messageTimestamp: { gte: 1e300 } } }, message: /^where\.messageTimestamp\.gte must be a date/ },
      {
        route: `/chat/markMessageAsRead/${ALIVE}`,
        body: { readMessages: [{ id: 'i', remoteJid: 'r'.repeat(129), fromMe: false }] },
        message: /^readMessages\[0\]\.remoteJid must be at most 128/,
      },
      {
        route: `/chat/archiveChat/${ALIVE}`,
        body: { archive: true, lastMessage: { key: { id: 'i', remoteJid: CONTACT, fromMe: false }, messageTimestamp: 1e300 } },
        message: /^lastMessage\.messageTimestamp must be <= 9007199254740991$/,
      },
      { route: `/label/handleLabel/${ALIVE}`, body: { number: CONTACT, labelId: 'l'.repeat(65), action: 'add' }, message: /^labelId must be at most 64/ },
      { route: `/outbox/replay/${ALIVE}`, body: { ids: [1e300] }, message: /^ids\[0\] must be <= 9007199254740991$/ },
    ];

    for (const { route, body, message } of cases) {
      it(`answers ${route.replace(ALIVE, ':instanceName')} ${JSON.stringify(body).slice(0, 60)} with a 400 matching ${message.source}`, async () => {
        const res = await api.post(route, body);
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.response.message.join('; ')).to.match(message);
      });
    }

    it('dead-letter paging out of bounds in the query is a 400 naming the fields', async () => {
      const res = await api.get(`/outbox/deadLetters/${ALIVE}?limit=1e300&offset=-1e300`);
      expect(res.status).to.equal(400);
      expect(res.body.response.message).to.deep.equal(['limit must be <= 500', 'offset must be >= 0']);
    });

    it('created nothing on the way', async () => {
      const names = (await api.get('/instance/fetchInstances')).body.map((i: { name: string }) => i.name);
      // The spare instance may be gone: bodies the delete route ignores delete it.
      expect(names).to.include(ALIVE);
      expect([ALIVE, SPARE]).to.include.members(names);
    });
  }

  it('still serves afterwards: health, the running instance, a message to a contact', async () => {
    expect((await api.get('/health')).status).to.equal(200);
    expect(await stateOf(api, ALIVE)).to.deep.include({ state: 'open', workerState: 'running' });
    const sent = await api.post(`/message/sendText/${ALIVE}`, { number: CONTACT, text: 'still here' });
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    const received = await wa.nextMessage(CONTACT);
    expect(received.message.conversation ?? received.message.extendedTextMessage?.text).to.equal('still here');
  });
});
