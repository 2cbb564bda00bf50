// Memory per open WhatsApp instance, with and without MALLOC_ARENA_MAX=2 in the
// gateway's environment. Two gateway processes run side by side against the
// loopback WhatsApp emulator, one with the setting and one without; for each,
// the RSS of the process idle (the baseline), with N paired and open instances
// (one worker thread each), and again after a send burst. The same run sends
// texts through both in alternation, so the memory figure comes with the send
// rate it costs or saves, and the gateway's CPU time per text (steadier than
// the rate on a machine shared with other work).
//   npm run bench
//   BENCH_INSTANCES=20        open instances per gateway
//   BENCH_SEND_ACCOUNTS=4     instances of each gateway sending at once in a burst
//   BENCH_SEND_MESSAGES=200   texts per sending instance per burst
//   BENCH_CONCURRENCY=8       sendText requests in flight per sending instance
//   BENCH_SEND_ROUNDS=2       bursts per gateway, alternating which gateway goes first
//   BENCH_SETTLE_MS=5000      wait before each RSS reading
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import '../spec/support/quiet-signal.js';
import { GatewayProcess } from '../spec/support/gateway-process.js';
import { createPaired, emulatorEnv } from '../spec/support/paired.js';
import { WaEmulator } from '../spec/support/whatsapp-emulator/index.js';
import { benchTexts, cpuMs, deliveryNote, gatewaySender, timedRun, type RunResult, type Sender } from './send-load.js';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 20);
const SEND_ACCOUNTS = Math.min(INSTANCES, Number(process.env.BENCH_SEND_ACCOUNTS ?? 4));
const SEND_MESSAGES = Number(process.env.BENCH_SEND_MESSAGES ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SEND_ROUNDS = Number(process.env.BENCH_SEND_ROUNDS ?? 2);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 5_000);
const WARMUP = 20;
const CONTACT = '15550008001';

interface Variant {
  label: string;
  env: Record<string, string>;
  /** Digit that keeps this gateway's account numbers apart from the other's. */
  kind: number;
}

const VARIANTS: Variant[] = [
  { label: 'glibc default', env: {}, kind: 3 },
  { label: 'MALLOC_ARENA_MAX=2', env: { MALLOC_ARENA_MAX: '2' }, kind: 4 },
];

interface Measured {
  variant: Variant;
  gateway: GatewayProcess;
  senders: Sender[];
  idle: number;
  open: number;
  afterSending: number;
  pairedSeconds: number;
  bursts: RunResult[];
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
const pidOf = (gateway: GatewayProcess) => gateway.child.pid ?? NaN;
const phone = (kind: number, i: number) => `155520${kind}${String(i).padStart(4, '0')}`;

async function pairAll(wa: WaEmulator, measured: Measured): Promise<void> {
  const { gateway, variant } = measured;
  const started = Date.now();
  for (let i = 0; i < INSTANCES; i += 1) {
    await createPaired(gateway.api(), wa, `bench-${i}`, phone(variant.kind, i));
    if (i < SEND_ACCOUNTS) measured.senders.push(gatewaySender(gateway.url, `bench-${i}`, phone(variant.kind, i), CONTACT, CONCURRENCY));
  }
  measured.pairedSeconds = (Date.now() - started) / 1000;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const sendRate = (measured: Measured) => mean(measured.bursts.map((burst) => burst.perSecond));
const sendCpu = (measured: Measured) => mean(measured.bursts.map((burst) => burst.cpuMsPerMessage));

function row(label: string, values: string[]): void {
  console.log(`  ${label.padEnd(46)}${values.map((value) => value.padStart(22)).join('')}`);
}

function report(all: Measured[]): void {
  const [base] = all;
  const perInstance = (m: Measured, rss: number) => (rss - m.idle) / INSTANCES;
  const change = (value: number, reference: number) => (value === reference ? '' : ` (${value > reference ? '+' : ''}${(((value - reference) / reference) * 100).toFixed(0)}%)`);
  row('', all.map((m) => m.variant.label));
  row('idle gateway, RSS (baseline)', all.map((m) => `${m.idle.toFixed(0)} MB`));
  row(`with ${INSTANCES} open instances, RSS`, all.map((m) => `${m.open.toFixed(0)} MB`));
  row('per open instance, above the idle gateway', all.map((m) => `${perInstance(m, m.open).toFixed(1)} MB${change(perInstance(m, m.open), perInstance(base, base.open))}`));
  row('after the send bursts, RSS', all.map((m) => `${m.afterSending.toFixed(0)} MB`));
  row('per instance after sending', all.map((m) => `${perInstance(m, m.afterSending).toFixed(1)} MB${change(perInstance(m, m.afterSending), perInstance(base, base.afterSending))}`));
  row(`sendText, ${SEND_ACCOUNTS} instances at once (mean of ${SEND_ROUNDS})`, all.map((m) => `${sendRate(m).toFixed(0)} msgs/s${change(sendRate(m), sendRate(base))}`));
  row('gateway CPU time per text sent', all.map((m) => `${sendCpu(m).toFixed(1)} ms${change(sendCpu(m), sendCpu(base))}`));
  row(`${INSTANCES} instances paired and opened in`, all.map((m) => `${m.pairedSeconds.toFixed(1)} s`));
  for (const m of all) {
    const notes = m.bursts.map((burst) => `${burst.perSecond.toFixed(0)} msgs/s, ${deliveryNote(burst)}`);
    console.log(`  bursts through ${m.variant.label}: ${notes.join(' | ')}`);
  }
}

console.log(
  `instances benchmark: ${INSTANCES} paired instances in each of two gateways, one with MALLOC_ARENA_MAX=2; ` +
    `send bursts of ${SEND_ACCOUNTS} × ${SEND_MESSAGES} texts, ${CONCURRENCY} in flight each; node ${process.version}, ${availableParallelism()} CPUs`,
);
const wa = await WaEmulator.start({ media: false });
wa.addContact(CONTACT, 'Bench contact');
const all: Measured[] = [];
try {
  for (const variant of VARIANTS) {
    const gateway = await GatewayProcess.start({ env: { ...emulatorEnv(wa), ...variant.env }, nodeArgs: [] });
    all.push({ variant, gateway, senders: [], idle: 0, open: 0, afterSending: 0, pairedSeconds: 0, bursts: [] });
  }
  await settle();
  for (const m of all) m.idle = rssMb(pidOf(m.gateway));
  for (const m of all) await pairAll(wa, m);
  await settle();
  for (const m of all) m.open = rssMb(pidOf(m.gateway));

  for (const m of all) {
    const warm = await timedRun(wa, CONTACT, m.senders, benchTexts(WARMUP, `warm-up ${m.variant.kind}`));
    if (warm.missing > 0 || warm.failed > 0) throw new Error(`${m.variant.label} warm-up: ${deliveryNote(warm)}`);
  }
  const texts = benchTexts(SEND_MESSAGES);
  for (let round = 0; round < SEND_ROUNDS; round += 1) {
    // Alternate who goes first, so that a drift of the machine's load does not favour one side.
    const order = round % 2 === 0 ? all : [...all].reverse();
    for (const m of order) m.bursts.push(await timedRun(wa, CONTACT, m.senders, texts, () => cpuMs(pidOf(m.gateway))));
  }
  await settle();
  for (const m of all) m.afterSending = rssMb(pidOf(m.gateway));
  report(all);
} finally {
  for (const m of all) {
    await m.gateway.stop();
    m.gateway.removeData();
  }
  await wa.stop();
}
