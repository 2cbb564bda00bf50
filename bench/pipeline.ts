// Events per second through dispatcher → outbox → sink, beside the raw rate of
// the same sink client measured in the same run on the same machine.
//   npm run bench            (both sinks; RabbitMQ is skipped if not reachable)
//   BENCH_EVENTS=5000 npm run bench
import type { MessageRecord } from '../lib/messages/types.js';
import amqp from 'amqplib';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { loadConfig, type EventsConfig } from '../lib/config.js';
import { migrate, openDb } from '../lib/db/knex.js';
import { OutboxRepository } from '../lib/db/outbox.js';
import { repositories } from '../lib/db/repositories.js';
import { Dispatcher } from '../lib/dispatcher/dispatcher.js';
import { RabbitmqSink } from '../lib/sinks/rabbitmq.js';
import type { Sink } from '../lib/sinks/sink.js';
import { SinkSupervisor } from '../lib/sinks/sink-supervisor.js';
import { WebhookSink } from '../lib/sinks/webhook.js';
import { reachable } from '../spec/support/services.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 3000);
const RABBITMQ_URI = process.env.BENCH_RABBITMQ_URI ?? 'amqp://guest:guest@127.0.0.1:5672';
const logger = pino({ level: 'warn' });

interface Result {
  name: string;
  perSecond: number;
  lost: number;
}

function rate(count: number, startedAt: bigint): number {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  return count / seconds;
}

/** A receiver that answers 200 and counts distinct event ids. */
async function receiver(): Promise<{ url: string; seen: Set<string>; waitFor(n: number): Promise<void>; close(): Promise<void> }> {
  const seen = new Set<string>();
  let waiting: { n: number; resolve: () => void } | undefined;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.add(String(req.headers['x-event-id'] ?? seen.size));
      res.writeHead(200).end();
      if (waiting && seen.size >= waiting.n) waiting.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    seen,
    waitFor: (n) => (seen.size >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiting = { n, resolve }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function rawWebhook(): Promise<Result> {
  const target = await receiver();
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  const started = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i += 1) {
    const body = JSON.stringify({ event: 'messages.upsert', instance: 'bench', data: { seq: i } });
    const response = await request(target.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-event-id': String(i) },
      dispatcher: agent,
    });
    await response.body.dump();
  }
  const perSecond = rate(EVENTS, started);
  const lost = EVENTS - target.seen.size;
  await agent.close();
  await target.close();
  return { name: 'webhook, raw undici POST loop', perSecond, lost };
}

async function rawRabbitmq(): Promise<Result> {
  const connection = await amqp.connect(RABBITMQ_URI);
  const channel = await connection.createConfirmChannel();
  const exchange = `bench-raw-${process.pid}`;
  await channel.assertExchange(exchange, 'topic', { durable: true });
  // Same kind of queue as the sink declares: durable, so the broker persists what it confirms.
  const queue = `${exchange}.messages.upsert`;
  await channel.assertQueue(queue, { durable: true, autoDelete: false });
  await channel.bindQueue(queue, exchange, 'messages.upsert');
  const started = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i += 1) {
    const body = Buffer.from(JSON.stringify({ event: 'messages.upsert', instance: 'bench', data: { seq: i } }));
    await new Promise<void>((resolve, reject) =>
      channel.publish(exchange, 'messages.upsert', body, { persistent: true, messageId: String(i) }, (error: unknown) =>
        error ? reject(error instanceof Error ? error : new Error('nack')) : resolve(),
      ),
    );
  }
  const perSecond = rate(EVENTS, started);
  const count = (await channel.checkQueue(queue)).messageCount;
  await channel.deleteQueue(queue);
  await channel.deleteExchange(exchange);
  await connection.close();
  return { name: 'RabbitMQ, raw amqplib confirmed publish loop', perSecond, lost: EVENTS - count };
}

/** The gateway's pipeline: dispatcher (group commit) → SQLite outbox → sink runner → sink. */
async function throughPipeline(sink: Sink, events: EventsConfig, delivered: () => Promise<number>, waitAll: () => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const db = openDb({ client: 'sqlite', filename: join(dir, 'bench.sqlite') });
  await migrate(db);
  const repos = repositories(db);
  await repos.instances.insert({ id: 'bench-id', name: 'bench', token: 'bench-token', integration: 'WHATSAPP-BAILEYS', number: null, businessId: null });
  await repos.eventIntegrations.save('bench-id', 'rabbitmq', { enabled: true, events: [] });
  const outbox = new OutboxRepository(db);
  const sinks = new SinkSupervisor({
    sinks: [sink],
    outbox,
    logger,
    runner: { retry: { maxAttempts: 10, baseMs: 100, maxMs: 1_000 }, concurrency: 32, batch: 100, pollMs: 500 },
  });
  const dispatcher = new Dispatcher({
    events,
    serverUrl: 'http://bench',
    repos,
    outbox,
    sinks: new Set(sinks.sinkNames),
    wake: (names) => sinks.wake(names),
    renderQr: async () => '',
    logger,
  });
  const started = process.hrtime.bigint();
  // Workers emit without waiting; the dispatcher batches what arrives together.
  const accepted = Array.from({ length: EVENTS }, (_, i) => dispatcher.publish({ id: 'bench-id', name: 'bench' }, 'MESSAGES_UPSERT', { seq: i } as unknown as MessageRecord));
  await Promise.all(accepted);
  await waitAll();
  const perSecond = rate(EVENTS, started);
  const lost = EVENTS - (await delivered());
  await sinks.stop();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
  return { perSecond, lost };
}

async function pipelineWebhook(): Promise<Result> {
  const target = await receiver();
  const events = loadConfig({ AUTHENTICATION_API_KEY: 'bench', WEBHOOK_GLOBAL_ENABLED: 'true', WEBHOOK_GLOBAL_URL: target.url }).events;
  const result = await throughPipeline(new WebhookSink(10_000), events, async () => target.seen.size, () => target.waitFor(EVENTS));
  await target.close();
  return { name: 'webhook, through the outbox', ...result };
}

async function pipelineRabbitmq(): Promise<Result> {
  const connection = await amqp.connect(RABBITMQ_URI);
  const channel = await connection.createChannel();
  await channel.assertExchange('bench', 'topic', { durable: true, autoDelete: false });
  await channel.assertQueue('bench.messages.upsert', { durable: true, autoDelete: false });
  await channel.purgeQueue('bench.messages.upsert');
  const count = async () => (await channel.checkQueue('bench.messages.upsert')).messageCount;
  const events = loadConfig({ AUTHENTICATION_API_KEY: 'bench', RABBITMQ_ENABLED: 'true', RABBITMQ_URI }).events;
  const waitAll = async () => {
    while ((await count()) < EVENTS) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const result = await throughPipeline(new RabbitmqSink(RABBITMQ_URI, logger), events, count, waitAll);
  await channel.deleteQueue('bench.messages.upsert');
  await channel.deleteExchange('bench');
  await connection.close();
  return { name: 'RabbitMQ, through the outbox', ...result };
}

function print(raw: Result, piped: Result): void {
  const ratio = (piped.perSecond / raw.perSecond) * 100;
  console.log(`  ${raw.name.padEnd(48)} ${raw.perSecond.toFixed(0).padStart(7)} events/s`);
  console.log(
    `  ${piped.name.padEnd(48)} ${piped.perSecond.toFixed(0).padStart(7)} events/s  ${ratio.toFixed(0)}% of raw, lost ${piped.lost}`,
  );
}

console.log(`pipeline benchmark: ${EVENTS} events, one instance, node ${process.version}`);
print(await rawWebhook(), await pipelineWebhook());
if (await reachable('127.0.0.1', Number(new URL(RABBITMQ_URI).port || 5672))) {
  print(await rawRabbitmq(), await pipelineRabbitmq());
} else {
  console.log(`  RabbitMQ not reachable at ${RABBITMQ_URI}: skipped`);
}
