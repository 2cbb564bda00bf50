// The API send path against two baselines measured in the same run:
//  - the engine: bare Baileys in a worker thread of this process, auth state in
//    memory, paired with the same emulator, sending the same texts to the same
//    contact with the same number in flight: what the gateway's send path
//    (HTTP → supervisor → worker → Baileys) is compared with, for 1, 2 and 4
//    accounts sending at once;
//  - a bare Koa + ajv server that validates the same body and answers at once.
// A message counts once its send call returned (HTTP 201, or sendMessage
// resolved) and the contact's emulated phone decrypted it; every text is checked.
// Beside the rates, the CPU time each side used per message: on a machine
// shared with other work the rates move with its load, the CPU time far less.
//   npm run bench
//   BENCH_MESSAGES=400        texts per account per run
//   BENCH_CONCURRENCY=8       sends in flight per account (HTTP requests, or sendMessage calls)
//   BENCH_INSTANCES=1,2,4     accounts sending at once, one run each for the engine and the gateway
//   BENCH_WARMUP=20           texts per account before the timed runs (Signal sessions, number check, JIT)
//   BENCH_ROUNDS=1            runs per side and account count, alternating who goes first; medians are printed
//   BENCH_KOA_REQUESTS=3000   requests to the bare Koa server
//   BENCH_YOUNG_GENERATION_MB=2   young generation of every instance thread, engine and gateway alike
//   BENCH_CPU_PROFILE_DIR=/tmp/prof   V8 CPU profiles of the gateway's threads
import Router from '@koa/router';
import { Ajv } from 'ajv';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { sendTextBody } from '../lib/schemas/message.js';
import '../spec/support/quiet-signal.js';
import { GatewayProcess } from '../spec/support/gateway-process.js';
import { createPaired, emulatorEnv } from '../spec/support/paired.js';
import { WaEmulator } from '../spec/support/whatsapp-emulator/index.js';
import { EngineInstance, WORKER_LIMITS } from './engine.js';
import { benchTexts, cpuMs, deliveryNote, gatewaySender, postTexts, timedRun, type RunResult, type Sender } from './send-load.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const INSTANCE_COUNTS = (process.env.BENCH_INSTANCES ?? '1,2,4').split(',').map(Number);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const KOA_REQUESTS = Number(process.env.BENCH_KOA_REQUESTS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const CONTACT = '15550007001';
const MOST = Math.max(...INSTANCE_COUNTS);

/** Koa, koa-body and ajv with the same schema, and nothing behind them. */
async function bareKoa(): Promise<{ url: string; close(): Promise<void> }> {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(sendTextBody);
  const router = new Router();
  router.post('/message/sendText/:instanceName', (ctx) => {
    if (!validate(ctx.request.body)) {
      ctx.status = 400;
      ctx.body = { errors: validate.errors };
      return;
    }
    ctx.status = 201;
    ctx.body = { key: { remoteJid: `${CONTACT}@s.whatsapp.net`, fromMe: true, id: 'BENCH' }, status: 'PENDING' };
  });
  const app = new Koa().use(koaBody()).use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/message/sendText/bench`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function koaRate(): Promise<number> {
  const bare = await bareKoa();
  try {
    const startedAt = process.hrtime.bigint();
    const { failed } = await postTexts(bare.url, CONTACT, benchTexts(KOA_REQUESTS), CONCURRENCY);
    if (failed > 0) throw new Error(`bare Koa answered ${failed} requests with an error`);
    return KOA_REQUESTS / (Number(process.hrtime.bigint() - startedAt) / 1e9);
  } finally {
    await bare.close();
  }
}

const phone = (kind: number, i: number) => `155500${kind}${String(i).padStart(4, '0')}`;
const rate = (result: RunResult) => `${result.perSecond.toFixed(0).padStart(6)} msgs/s`;
const busy = (result: RunResult) => `bench main thread ${(result.mainThreadBusy * 100).toFixed(0)}% busy`;
const cpu = (result: RunResult) => `${result.cpuMsPerMessage.toFixed(1).padStart(5)} CPU-ms/msg`;
/**
 * The engine's CPU: this process minus its main thread (the emulator). V8's
 * and libuv's helper threads count on both sides.
 */
const engineCpu = () => cpuMs(process.pid) - cpuMs(process.pid, process.pid);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Several runs of one side as one: median rate, CPU and load; every failure and missing text counted. */
function combine(runs: RunResult[]): RunResult {
  const sum = (pick: (run: RunResult) => number) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    messages: sum((run) => run.messages),
    seconds: sum((run) => run.seconds),
    perSecond: median(runs.map((run) => run.perSecond)),
    failed: sum((run) => run.failed),
    missing: sum((run) => run.missing),
    firstError: runs.find((run) => run.firstError)?.firstError ?? null,
    mainThreadBusy: median(runs.map((run) => run.mainThreadBusy)),
    cpuMsPerMessage: median(runs.map((run) => run.cpuMsPerMessage)),
  };
}

/**
 * ROUNDS runs of each side with the same senders and texts, one after the
 * other so that neither sends while the other is timed; who goes first
 * alternates, so that a drift of the machine's load favours neither.
 */
async function compare(engineSenders: Sender[], gatewaySenders: Sender[], texts: string[]): Promise<{ engine: RunResult; through: RunResult }> {
  const engineRuns: RunResult[] = [];
  const gatewayRuns: RunResult[] = [];
  const engineRun = async () => engineRuns.push(await timedRun(wa, CONTACT, engineSenders, texts, engineCpu));
  const gatewayRun = async () => gatewayRuns.push(await timedRun(wa, CONTACT, gatewaySenders, texts, gatewayCpu));
  for (let round = 0; round < ROUNDS; round += 1) {
    const [first, second] = round % 2 === 0 ? [engineRun, gatewayRun] : [gatewayRun, engineRun];
    await first();
    await second();
  }
  return { engine: combine(engineRuns), through: combine(gatewayRuns) };
}

/** Warm-up texts, checked like the timed ones: a sender that cannot deliver stops the bench. */
async function warmUp(wa: WaEmulator, senders: Sender[], label: string): Promise<void> {
  if (WARMUP === 0) return;
  const result = await timedRun(wa, CONTACT, senders, benchTexts(WARMUP, `warm-up ${label}`));
  if (result.missing > 0 || result.failed > 0) throw new Error(`${label} warm-up: ${deliveryNote(result)}`);
}

console.log(
  `send benchmark: ${MESSAGES} texts per account per run, ${CONCURRENCY} in flight per account, ` +
    `${WARMUP} warm-up texts each, node ${process.version}, ${availableParallelism()} CPUs`,
);
console.log('  a message counts once its send call returned and the contact’s emulated phone decrypted it;');
console.log('  CPU-ms/msg: the gateway process, or the engine’s threads; the bench main thread runs the emulator (and the HTTP client)');
const koa = await koaRate();

const wa = await WaEmulator.start({ media: false });
wa.addContact(CONTACT, 'Bench contact');
const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
const gateway = await GatewayProcess.start({
  env: {
    ...emulatorEnv(wa),
    LOG_LEVEL: 'info',
    // The engine's thread limits, so that both run Baileys under the same heap settings.
    WORKER_YOUNG_GENERATION_MB: String(WORKER_LIMITS.maxYoungGenerationSizeMb),
    WORKER_OLD_GENERATION_MB: String(WORKER_LIMITS.maxOldGenerationSizeMb),
  },
  nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
});
const gatewayCpu = () => cpuMs(gateway.child.pid ?? NaN);
const engines: EngineInstance[] = [];
try {
  const gatewaySenders: Sender[] = [];
  for (let i = 0; i < MOST; i += 1) {
    await createPaired(gateway.api(), wa, `bench-${i}`, phone(1, i));
    gatewaySenders.push(gatewaySender(gateway.url, `bench-${i}`, phone(1, i), CONTACT, CONCURRENCY));
  }
  for (let i = 0; i < MOST; i += 1) engines.push(await EngineInstance.pair(wa, phone(2, i)));
  const engineSenders: Sender[] = engines.map((engine) => ({
    owner: engine.phone,
    send: (texts) => engine.send(CONTACT, texts, CONCURRENCY),
  }));
  await warmUp(wa, engineSenders, 'engine');
  await warmUp(wa, gatewaySenders, 'gateway');

  const texts = benchTexts(MESSAGES);
  let single: RunResult | undefined;
  for (const count of INSTANCE_COUNTS) {
    const { engine, through } = await compare(engineSenders.slice(0, count), gatewaySenders.slice(0, count), texts);
    if (count === 1) single = through;
    const rounds = ROUNDS === 1 ? '' : `, medians of ${ROUNDS} runs each`;
    console.log(`  ${count} account${count === 1 ? '' : 's'} sending at once, ${count * MESSAGES} texts per run${rounds}`);
    console.log(`    engine: bare Baileys in a worker thread (baseline)  ${rate(engine)}  ${cpu(engine)}  ${deliveryNote(engine)}; ${busy(engine)}`);
    console.log(
      `    gateway: HTTP → supervisor → worker → Baileys       ${rate(through)}  ${cpu(through)}  ` +
        `${((through.perSecond / engine.perSecond) * 100).toFixed(0)}% of the engine's rate, ` +
        `${(through.cpuMsPerMessage / engine.cpuMsPerMessage).toFixed(1)}x its CPU; ${deliveryNote(through)}; ${busy(through)}`,
    );
  }
  console.log(`  bare Koa + ajv, same body and schema (baseline)     ${koa.toFixed(0).padStart(6)} req/s`);
  if (single) {
    console.log(`    gateway, 1 account                                ${rate(single)}  ${((single.perSecond / koa) * 100).toFixed(1)}% of bare Koa`);
  }
} finally {
  for (const engine of engines) await engine.close();
  await gateway.stop();
  gateway.removeData();
  await wa.stop();
}
