import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { API_KEY, GatewayProcess } from './support/gateway-process.js';
import { NATS, RABBITMQ, requireService } from './support/services.js';
import { prepareTestDatabase, testDatabase } from './support/test-database.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

// Every secret below is unique, so that finding it anywhere in the output is
// a leak and not a coincidence.
const WEBHOOK_PASSWORD = 'hook-pw-7f3a91';
const GLOBAL_WEBHOOK_PASSWORD = 'global-hook-pw-28c4e0';
const RABBITMQ_PASSWORD = 'rabbit-pw-5d19b7';
const NATS_PASSWORD = 'nats-pw-a0e6c2';
const DATABASE_PASSWORD = 'db-pw-93b1f4';
const WRONG_KEY = 'wrong-apikey-6e2d88';
const HEADER_TOKEN = 'bearer-token-1c7f55';

/** A URL with credentials in its userinfo. */
function withCredentials(url: string, user: string, password: string): string {
  return url.replace('://', `://${user}:${password}@`);
}

describe(`no secret in the logs (${testDatabase})`, function () {
  this.timeout(60_000);
  let receiver: WebhookReceiver;
  let gateway: GatewayProcess;
  let api: Api;
  let token: string;
  const secrets = [WEBHOOK_PASSWORD, GLOBAL_WEBHOOK_PASSWORD, RABBITMQ_PASSWORD, NATS_PASSWORD, DATABASE_PASSWORD, WRONG_KEY, HEADER_TOKEN, API_KEY];

  before(async function () {
    await requireService(this, 'RabbitMQ', RABBITMQ.host, RABBITMQ.port);
    await requireService(this, 'NATS', NATS.host, NATS.port);
    receiver = await WebhookReceiver.start();
    receiver.respondWith(() => 500);
    const dataDir = mkdtempSync(join(tmpdir(), 'gateway-spec-'));
    const databaseUrl = await prepareTestDatabase(dataDir);
    gateway = await GatewayProcess.start({
      dataDir,
      env: {
        LOG_LEVEL: 'debug',
        // PostgreSQL here trusts local connections: the password is ignored, but it is in the URL the gateway reads.
        ...(testDatabase === 'postgres' ? { DATABASE_URL: databaseUrl.replace('postgres@', `postgres:${DATABASE_PASSWORD}@`) } : {}),
        // Wrong password: every publish fails and is logged.
        RABBITMQ_ENABLED: 'true',
        RABBITMQ_URI: RABBITMQ.uri.replace(':guest@', `:${RABBITMQ_PASSWORD}@`),
        NATS_ENABLED: 'true',
        NATS_URI: withCredentials(NATS.uri, 'natsuser', NATS_PASSWORD),
        WEBHOOK_GLOBAL_ENABLED: 'true',
        WEBHOOK_GLOBAL_URL: withCredentials(`${receiver.url}/global`, 'globaluser', GLOBAL_WEBHOOK_PASSWORD),
        OUTBOX_MAX_ATTEMPTS: '2',
        OUTBOX_RETRY_BASE_MS: '20',
        OUTBOX_RETRY_MAX_MS: '50',
        OUTBOX_POLL_MS: '50',
      },
    });
    api = gateway.api();
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await receiver?.stop();
  });

  it('keeps passwords in URLs, keys and tokens out of every log line while deliveries fail', async () => {
    const created = await api.post('/instance/create', {
      instanceName: 'leaky',
      webhook: {
        enabled: true,
        url: withCredentials(`${receiver.url}/hook`, 'hookuser', WEBHOOK_PASSWORD),
        headers: { authorization: `Bearer ${HEADER_TOKEN}` },
      },
      rabbitmq: { enabled: true },
      nats: { enabled: true },
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    token = created.body.hash;
    expect((await api.get('/settings/find/leaky', { key: WRONG_KEY })).status).to.equal(401);

    // The instance's webhook used up its attempts, RabbitMQ refused, NATS connected.
    await eventually(async () => {
      const res = await api.get('/outbox/deadLetters/leaky');
      const sinks = new Set((res.body.deadLetters as { sink: string }[]).map((d) => d.sink));
      return sinks.has('webhook') && sinks.has('rabbitmq');
    }, 20_000, 'webhook and RabbitMQ deliveries dead-lettered');
    await gateway.waitForLog((line) => line.msg === 'NATS connected', 10_000);
    await gateway.waitForLog((line) => line.msg === 'event dead-lettered' && line.sink === 'webhook', 10_000);

    // The failures were logged, with where they went, without the password.
    const failures = gateway.logs.filter((line) => line.msg === 'delivery failed, will retry' || line.msg === 'event dead-lettered');
    expect(failures.map((line) => String(line.error)).join('\n')).to.include('hookuser:***@127.0.0.1').and.include('RabbitMQ unavailable at amqp://***@');

    // What the dead-letter list shows keeps the password out too.
    const deadLetters = (await api.get('/outbox/deadLetters/leaky')).body.deadLetters as { lastError: string }[];
    for (const letter of deadLetters) for (const secret of secrets) expect(letter.lastError ?? '').not.to.include(secret);

    await gateway.stop();
    const output = [...gateway.logs.map((line) => JSON.stringify(line)), ...gateway.stderr].join('\n');
    expect(output.length).to.be.greaterThan(0);
    for (const secret of [...secrets, token]) {
      const at = output.indexOf(secret);
      expect(at, `"${secret}" logged in: ${output.slice(Math.max(0, at - 200), at + 100)}`).to.equal(-1);
    }
  });
});
