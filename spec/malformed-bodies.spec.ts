import { expect } from 'chai';
import { GatewayProcess } from './support/gateway-process.js';

/** mulberry32: a tiny seeded PRNG so that a failing body can be reproduced. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELDS = [
  'instanceName', 'token', 'number', 'businessId', 'qrcode', 'integration', 'rejectCall', 'msgCall',
  'groupsIgnore', 'alwaysOnline', 'readMessages', 'readStatus', 'syncFullHistory', 'proxyHost', 'proxyPort',
  'proxyProtocol', 'webhook', 'webhookUrl', 'webhookEvents', 'rabbitmq', 'sqs', 'nats', 'chatwootAccountId',
  'chatwootToken', 'chatwootUrl', 'chatwootDaysLimitImportMessages',
];

function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 2 ? 6 : 9));
  switch (pick) {
    case 0: return null;
    case 1: return random() < 0.5;
    case 2: return Math.floor(random() * 2 ** 40) * (random() < 0.5 ? -1 : 1);
    case 3: return random() * 1e6;
    case 4: return 'x'.repeat(Math.floor(random() * 300));
    case 5: return String.fromCharCode(...Array.from({ length: 12 }, () => Math.floor(random() * 0xffff)));
    case 6: return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    case 7: return Object.fromEntries(FIELDS.filter(() => random() < 0.2).map((f) => [f, randomValue(random, depth + 1)]));
    default: return { url: randomValue(random, depth + 1), events: randomValue(random, depth + 1), enabled: 'maybe' };
  }
}

/** A body that must be rejected: broken JSON, a non-object, or an object with a field of the wrong type. */
function malformedBody(random: () => number): string {
  const kind = Math.floor(random() * 5);
  if (kind === 0) return '{"instanceName": "x", '.slice(0, 1 + Math.floor(random() * 20));
  if (kind === 1) return JSON.stringify(randomValue(random, 3));
  const body: Record<string, unknown> = {};
  for (const field of FIELDS) if (random() < 0.3) body[field] = randomValue(random);
  // Whatever else it holds, instanceName is never a valid name.
  const badNames = [undefined, 5, '', 'has space', 'slash/name', ['a'], { a: 1 }, 'ü'.repeat(3), true];
  body.instanceName = badNames[Math.floor(random() * badNames.length)];
  if (kind === 3) return JSON.stringify(body).replace(/}$/, ',}');
  return JSON.stringify(body);
}

describe('malformed create bodies', function () {
  this.timeout(120_000);
  let gateway: GatewayProcess;

  before(async () => {
    gateway = await GatewayProcess.start();
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
  });

  it('answers 200 random malformed bodies with 4xx only, and keeps serving', async () => {
    const random = prng(20261124);
    const api = gateway.api();
    const contentTypes = ['application/json', 'application/json; charset=utf-8', 'application/x-www-form-urlencoded', 'text/plain'];
    for (let i = 0; i < 200; i += 1) {
      const raw = malformedBody(random);
      const contentType = contentTypes[Math.floor(random() * contentTypes.length)];
      const res = await api.post('/instance/create', undefined, { raw, contentType });
      expect(res.status, `body #${i} (${contentType}): ${raw.slice(0, 200)} -> ${JSON.stringify(res.body)}`).to.be.within(400, 499);
      expect(res.body).to.have.property('status', res.status);
      expect(res.body.response.message).to.be.an('array').that.is.not.empty;
    }
    const health = await api.get('/health');
    expect(health.status).to.equal(200);
    expect((await api.get('/instance/fetchInstances')).body).to.deep.equal([]);
    expect(gateway.child.exitCode).to.equal(null);
  });
});
