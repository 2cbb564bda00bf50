import { expect } from 'chai';
import { startFauxqs } from 'fauxqs';
import net, { type AddressInfo } from 'node:net';
import { startInProcess, type InProcessGateway } from './support/in-process-gateway.js';
import { NATS, RABBITMQ, reachable, requireService } from './support/services.js';
import { TcpProxy } from './support/tcp-proxy.js';
import {
  createPostgresDatabase,
  dropPostgresDatabase,
  POSTGRES,
  postgresDatabaseName,
  testDatabase,
} from './support/test-database.js';

/** SQS settings for an endpoint, with the test credentials fauxqs takes. */
function sqsAt(endpoint: string): Record<string, string> {
  return { SQS_ENABLED: 'true', SQS_ENDPOINT: endpoint, SQS_REGION: 'us-east-1', SQS_ACCESS_KEY_ID: 'test', SQS_SECRET_ACCESS_KEY: 'test' };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function get(base: string, path: string): Promise<{ status: number; body: Record<string, unknown> & { checks?: Record<string, { ok: boolean; error?: string }> } }> {
  // No key: probes run without one.
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, never> };
}

describe(`health: liveness and readiness (${testDatabase})`, function () {
  this.timeout(60_000);
  let running: InProcessGateway | undefined;

  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('is live and ready while the database answers and no broker is enabled; /health keeps its shape', async () => {
    running = await startInProcess({});
    const base = running.api.baseUrl;
    const live = await get(base, '/health/live');
    expect(live.status).to.equal(200);
    expect(live.body.status).to.equal('ok');
    const ready = await get(base, '/health/ready');
    expect(ready.status).to.equal(200);
    expect(ready.body).to.include({ status: 'ok' });
    expect(ready.body.failed).to.deep.equal([]);
    expect(Object.keys(ready.body.checks ?? {})).to.deep.equal(['database']);
    expect(ready.body.checks?.database.ok).to.equal(true);
    const health = await get(base, '/health');
    expect(health.status).to.equal(200);
    expect(health.body).to.include({ status: 'ok' });
    expect(health.body).to.have.keys('status', 'database', 'workers');
  });

  it('is not ready while the enabled RabbitMQ, NATS and SQS cannot be reached, and stays live', async () => {
    const port = await closedPort();
    running = await startInProcess({
      RABBITMQ_ENABLED: 'true',
      RABBITMQ_GLOBAL_ENABLED: 'true',
      RABBITMQ_URI: `amqp://guest:guest@127.0.0.1:${port}`,
      NATS_ENABLED: 'true',
      NATS_GLOBAL_ENABLED: 'true',
      NATS_URI: `nats://127.0.0.1:${port}`,
      ...sqsAt(`http://127.0.0.1:${port}`),
    });
    const base = running.api.baseUrl;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      // The second time, RabbitMQ's sink is inside its reconnect backoff: still not ready, still why.
      const ready = await get(base, '/health/ready');
      expect(ready.status).to.equal(503);
      expect(ready.body.status).to.equal('unavailable');
      expect(ready.body.failed).to.have.members(['rabbitmq', 'nats', 'sqs']);
      expect(ready.body.checks?.database.ok).to.equal(true);
      expect(ready.body.checks?.rabbitmq.error).to.match(/ECONNREFUSED/);
      expect(ready.body.checks?.nats.ok).to.equal(false);
      expect(ready.body.checks?.sqs.error).to.match(/ECONNREFUSED/);
    }
    expect((await get(base, '/health/live')).status).to.equal(200);
    // /health is about the database and workers, as clients read it today.
    expect((await get(base, '/health')).status).to.equal(200);
  });

  it('is ready when the enabled RabbitMQ, NATS and SQS answer', async function () {
    if (!(await reachable(RABBITMQ.host, RABBITMQ.port)) || !(await reachable(NATS.host, NATS.port))) {
      if (process.env.CI === 'true') throw new Error('RabbitMQ and NATS must run for this case');
      this.skip();
    }
    const fauxqs = await startFauxqs({ port: 0, logger: false });
    try {
      running = await startInProcess({ RABBITMQ_ENABLED: 'true', RABBITMQ_URI: RABBITMQ.uri, NATS_ENABLED: 'true', NATS_URI: NATS.uri, ...sqsAt(fauxqs.address) });
      const ready = await get(running.api.baseUrl, '/health/ready');
      expect(ready.status, JSON.stringify(ready.body)).to.equal(200);
      expect(Object.keys(ready.body.checks ?? {})).to.have.members(['database', 'rabbitmq', 'nats', 'sqs']);
    } finally {
      await running?.stop();
      running = undefined;
      await fauxqs.stop();
    }
  });

  describe('with the database cut off (PostgreSQL behind a relay)', () => {
    // A SQLite file cannot go away under an open connection: the outage is a
    // PostgreSQL server that stops answering, on either run.
    let proxy: TcpProxy;
    const name = postgresDatabaseName('health-spec-database-cut');

    before(async function () {
      await requireService(this, 'PostgreSQL', POSTGRES.host, POSTGRES.port);
      await createPostgresDatabase(name);
      proxy = await TcpProxy.start(POSTGRES.host, POSTGRES.port);
    });

    after(async () => {
      await proxy?.stop();
      if (proxy) await dropPostgresDatabase(name);
    });

    it('answers ready 503 naming the database and the broker, live 200, /health 503', async () => {
      const port = await closedPort();
      running = await startInProcess({
        DATABASE_URL: `postgres://${POSTGRES.user}@${proxy.address}/${name}`,
        RABBITMQ_ENABLED: 'true',
        RABBITMQ_URI: `amqp://guest:guest@127.0.0.1:${port}`,
      });
      const base = running.api.baseUrl;
      await proxy.cut();
      try {
        const ready = await get(base, '/health/ready');
        expect(ready.status).to.equal(503);
        expect(ready.body.failed).to.have.members(['database', 'rabbitmq']);
        expect(ready.body.checks?.database.error).to.be.a('string').and.not.empty;
        const live = await get(base, '/health/live');
        expect(live.status).to.equal(200);
        const health = await get(base, '/health');
        expect(health.status).to.equal(503);
        expect(health.body.status).to.equal('degraded');
      } finally {
        // The gateway writes its last states on the way out.
        await proxy.restore();
      }
      const ready = await get(base, '/health/ready');
      expect(ready.body.failed).to.deep.equal(['rabbitmq']);
    });
  });
});
