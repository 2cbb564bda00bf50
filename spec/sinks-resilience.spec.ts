import type { MessageRecord } from '../lib/messages/types.js';
import amqp from 'amqplib';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect as natsConnect } from 'nats';
import { pino } from 'pino';
import sinon from 'sinon';
import { loadConfig, type EventsConfig } from '../lib/config.js';
import { migrate, openDb, type Db } from '../lib/db/knex.js';
import { OutboxRepository } from '../lib/db/outbox.js';
import { repositories, type Repositories } from '../lib/db/repositories.js';
import { Dispatcher } from '../lib/dispatcher/dispatcher.js';
import type { EventOwner } from '../lib/events/publisher.js';
import type { Logger } from '../lib/logger.js';
import { NatsSink } from '../lib/sinks/nats.js';
import { RabbitmqSink } from '../lib/sinks/rabbitmq.js';
import type { Sink } from '../lib/sinks/sink.js';
import { SinkSupervisor } from '../lib/sinks/sink-supervisor.js';
import { WebhookSink } from '../lib/sinks/webhook.js';
import { eventually } from './support/eventually.js';
import { NATS, RABBITMQ, requireService } from './support/services.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { dropTestDatabase, testDatabaseConfig } from './support/test-database.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/** A logger whose lines the spec can read. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** A stand-in payload that carries only its position: sinks deliver `data` as given. */
const numbered = (seq: number) => ({ seq }) as unknown as MessageRecord;

/** After dropping repeats that follow each other, the sequence must be 0..n-1 in order. */
function assertInOrderAtLeastOnce(seen: number[], n: number): void {
  const collapsed = seen.filter((value, i) => i === 0 || value !== seen[i - 1]);
  expect(collapsed, `received order: ${seen.join(',')}`).to.deep.equal([...Array(n).keys()]);
}

interface Pipeline {
  db: Db;
  repos: Repositories;
  dispatcher: Dispatcher;
  sinks: SinkSupervisor;
  lines: Record<string, unknown>[];
}

async function pipeline(dir: string, sinkList: Sink[], events: EventsConfig): Promise<Pipeline> {
  const db = openDb(await testDatabaseConfig(dir));
  await migrate(db);
  const repos = repositories(db);
  const outbox = new OutboxRepository(db);
  const { logger, lines } = capturingLogger();
  const sinks = new SinkSupervisor({
    sinks: sinkList,
    outbox,
    logger,
    runner: { retry: { maxAttempts: 10_000, baseMs: 20, maxMs: 200 }, concurrency: 8, batch: 50, pollMs: 25 },
    restartBaseMs: 20,
    restartMaxMs: 100,
  });
  const dispatcher = new Dispatcher({
    events,
    serverUrl: 'http://gateway.test',
    repos,
    outbox,
    sinks: new Set(sinks.sinkNames),
    wake: (names) => sinks.wake(names),
    renderQr: async () => 'data:image/png;base64,',
    logger,
  });
  return { db, repos, dispatcher, sinks, lines };
}

async function addInstance(repos: Repositories, name: string): Promise<EventOwner> {
  const id = `id-${name}`;
  await repos.instances.insert({ id, name, token: `token-${name}`, integration: 'WHATSAPP-BAILEYS', number: null, businessId: null });
  await repos.eventIntegrations.save(id, 'rabbitmq', { enabled: true, events: [] });
  await repos.eventIntegrations.save(id, 'nats', { enabled: true, events: [] });
  return { id, name };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sinks under failure', function () {
  this.timeout(60_000);
  let dir: string;
  let running: Pipeline | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sinks-spec-'));
  });

  afterEach(async () => {
    sinon.restore();
    if (running) {
      await running.dispatcher.drain();
      await running.sinks.stop();
      await running.db.destroy();
      running = undefined;
    }
    rmSync(dir, { recursive: true, force: true });
    await dropTestDatabase(dir);
  });

  it('delivers every event after RabbitMQ comes back, in order, with duplicates only of the same event', async function () {
    await requireService(this, 'RabbitMQ', RABBITMQ.host, RABBITMQ.port);
    const proxy = await TcpProxy.start(RABBITMQ.host, RABBITMQ.port);
    const instance = `rmq-outage-${Date.now()}`;
    const events = loadConfig({ AUTHENTICATION_API_KEY: 'k', RABBITMQ_ENABLED: 'true' }).events;
    const { logger } = capturingLogger();
    running = await pipeline(dir, [new RabbitmqSink(`amqp://guest:guest@${proxy.address}`, logger, 2_000)], events);
    const owner = await addInstance(running.repos, instance);

    const connection = await amqp.connect(RABBITMQ.uri);
    const channel = await connection.createChannel();
    const queue = `${instance}.messages.upsert`;
    const seen: number[] = [];
    // Declared with the sink's own arguments, so its declarations agree.
    await channel.assertExchange(instance, 'topic', { durable: true, autoDelete: false });
    await channel.assertQueue(queue, { durable: true, autoDelete: false });
    await channel.bindQueue(queue, instance, 'messages.upsert');
    await channel.consume(queue, (message) => {
      if (message) seen.push((JSON.parse(message.content.toString()) as { data: { seq: number } }).data.seq);
    }, { noAck: true });
    try {
      const total = 300;
      for (let i = 0; i < total; i += 1) {
        if (i === 100) await proxy.cut();
        if (i === 200) {
          await sleep(1_000);
          await proxy.restore();
        }
        await running.dispatcher.publish(owner, 'MESSAGES_UPSERT', numbered(i));
      }
      await eventually(() => new Set(seen).size === total, 20_000, 'every event');
      assertInOrderAtLeastOnce(seen, total);
    } finally {
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.deleteExchange(instance).catch(() => undefined);
      await connection.close();
      await proxy.stop();
    }
  });

  it('delivers every event after NATS comes back, in order, with duplicates only of the same event', async function () {
    await requireService(this, 'NATS', NATS.host, NATS.port);
    const proxy = await TcpProxy.start(NATS.host, NATS.port);
    const instance = `nats-outage-${Date.now()}`;
    const events = loadConfig({ AUTHENTICATION_API_KEY: 'k', NATS_ENABLED: 'true' }).events;
    const { logger } = capturingLogger();
    running = await pipeline(dir, [new NatsSink(`nats://${proxy.address}`, logger, 2_000)], events);
    const owner = await addInstance(running.repos, instance);

    const nats = await natsConnect({ servers: NATS.uri });
    const seen: number[] = [];
    const subscription = nats.subscribe(`${instance}.>`);
    void (async () => {
      for await (const message of subscription) {
        seen.push((JSON.parse(new TextDecoder().decode(message.data)) as { data: { seq: number } }).data.seq);
      }
    })();
    try {
      const total = 300;
      for (let i = 0; i < total; i += 1) {
        if (i === 100) await proxy.cut();
        if (i === 200) {
          await sleep(1_000);
          await proxy.restore();
        }
        await running.dispatcher.publish(owner, 'MESSAGES_UPSERT', numbered(i));
      }
      await eventually(() => new Set(seen).size === total, 20_000, 'every event');
      assertInOrderAtLeastOnce(seen, total);
    } finally {
      await nats.close();
      await proxy.stop();
    }
  });

  it('restarts a sink that throws, and it delivers what was pending', async () => {
    const receiver = await WebhookReceiver.start();
    const events = loadConfig({
      AUTHENTICATION_API_KEY: 'k',
      WEBHOOK_GLOBAL_ENABLED: 'true',
      WEBHOOK_GLOBAL_URL: `${receiver.url}/all`,
    }).events;
    const deliver = sinon.stub(WebhookSink.prototype, 'deliver');
    deliver.onFirstCall().rejects(new Error('unexpected failure inside the sink'));
    deliver.callThrough();
    try {
      running = await pipeline(dir, [new WebhookSink(2_000)], events);
      const owner = await addInstance(running.repos, 'crashy');
      for (let i = 0; i < 5; i += 1) await running.dispatcher.publish(owner, 'MESSAGES_UPSERT', numbered(i));
      await eventually(() => receiver.accepted.length === 5, 10_000, 'five deliveries');
      expect(receiver.accepted.map((r) => (r.body.data as { seq: number }).seq)).to.deep.equal([0, 1, 2, 3, 4]);
      expect(running.lines.some((line) => line.msg === 'sink crashed' && line.sink === 'webhook')).to.equal(true);
      expect(deliver.callCount).to.equal(6);
    } finally {
      await receiver.stop();
    }
  });
});
