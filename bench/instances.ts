// Memory per WhatsApp instance: the RSS of a gateway process with N paired,
// open instances (one worker thread each), beside the same process idle,
// measured in the same run against the loopback WhatsApp emulator.
//   npm run bench
//   BENCH_INSTANCES=50 node dist/bench/instances.js
import { readFileSync } from 'node:fs';
import { GatewayProcess } from '../spec/support/gateway-process.js';
import { createPaired, emulatorEnv } from '../spec/support/paired.js';
import { WaEmulator } from '../spec/support/whatsapp-emulator/index.js';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 20);
const SETTLE_MS = 5_000;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

console.log(`instances benchmark: ${INSTANCES} paired instances, node ${process.version}`);
const wa = await WaEmulator.start({ media: false });
const gateway = await GatewayProcess.start({ env: emulatorEnv(wa), nodeArgs: [] });
try {
  const pid = gateway.child.pid!;
  await settle();
  const idle = rssMb(pid);
  const api = gateway.api();
  const started = Date.now();
  for (let i = 0; i < INSTANCES; i += 1) {
    await createPaired(api, wa, `bench-${i}`, `1555200${String(i).padStart(4, '0')}`);
  }
  const pairedIn = Date.now() - started;
  await settle();
  const loaded = rssMb(pid);
  const perInstance = (loaded - idle) / INSTANCES;
  console.log(`  idle gateway (baseline)                          ${idle.toFixed(0).padStart(5)} MB RSS`);
  console.log(`  with ${String(INSTANCES).padEnd(3)} open instances                       ${loaded.toFixed(0).padStart(5)} MB RSS`);
  console.log(`  per instance, above the baseline                 ${perInstance.toFixed(1).padStart(5)} MB  (${(loaded / idle).toFixed(1)}x the idle process in all)`);
  console.log(`  paired and opened in                             ${(pairedIn / 1000).toFixed(1).padStart(5)} s`);
} finally {
  await gateway.stop();
  gateway.removeData();
  await wa.stop();
}
