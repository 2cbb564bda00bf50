import { expect } from 'chai';
import { loadavg } from 'node:os';
import { eventually } from './support/eventually.js';
import { GatewayProcess, type LogLine } from './support/gateway-process.js';
import { LatencyProbe } from './support/latency-probe.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

/** Pairs every name through the gateway's API, `concurrency` at a time. */
async function pairAll(gateway: GatewayProcess, wa: WaEmulator, names: string[], phoneOf: (i: number) => string, concurrency: number) {
  let next = 0;
  const lane = async () => {
    while (next < names.length) {
      const i = next++;
      await createPaired(gateway.api(), wa, names[i], phoneOf(i));
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } catch (error) {
    // A hook's failure is not followed by afterEach: say here what the gateway logged.
    const errors = gateway.logs.filter((line) => line.level >= 50).map((line) => JSON.stringify(line));
    throw new Error(`${(error as Error).message}\ngateway errors:\n${errors.join('\n')}\n${gateway.stderr.join('')}`);
  }
}

/** Instances whose worker logged in to WhatsApp in this process. */
function connectedInstances(gateway: GatewayProcess): Set<string> {
  return new Set(gateway.logs.filter((line) => line.msg === 'connected to WhatsApp').map((line) => String(line.instance)));
}

type Listed = { name: string; connectionStatus: string; workerState: string };

async function waitAllOpen(gateway: GatewayProcess, names: string[], timeoutMs: number): Promise<void> {
  await eventually(() => names.every((name) => connectedInstances(gateway).has(name)), timeoutMs, `${names.length} logins`);
  // A worker's report reaches the instance row through the store's next commit, a moment after its log line.
  let listed: Listed[] = [];
  const allOpen = async () => {
    listed = (await gateway.api().get('/instance/fetchInstances')).body as Listed[];
    return names.every((name) => listed.some((i) => i.name === name && i.connectionStatus === 'open' && i.workerState === 'running'));
  };
  await eventually(allOpen, 2_000, 'every row open').catch(() => undefined);
  for (const name of names) {
    expect(listed.find((instance) => instance.name === name), name).to.include({ connectionStatus: 'open', workerState: 'running' });
  }
}

// A write the gateway or a worker could not make: a lost key, message or state.
const DROPPED_WRITE = /SQLITE_BUSY|database is locked|could not (save|record|publish|commit|store)|unhandled rejection/i;

function droppedWrites(gateway: GatewayProcess): string[] {
  const lines = gateway.logs.map((line: LogLine) => JSON.stringify(line)).filter((line) => DROPPED_WRITE.test(line));
  const stderr = gateway.stderr.join('').split('\n').filter((line) => DROPPED_WRITE.test(line));
  return [...lines, ...stderr];
}

// Without source maps, as `npm start` runs it: they make every worker load
// Baileys more slowly, and load time is what these specs measure.
const start = (options: { dataDir?: string; env: Record<string, string> }) => GatewayProcess.start({ ...options, nodeArgs: [] });

describe('boot with many stored instances', function () {
  this.timeout(240_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess | undefined;

  // One emulator per group: the hundred do not pair beside the twenty's devices.
  const freshEmulator = async () => {
    await wa?.stop();
    wa = await WaEmulator.start({ media: false, historySync: false });
  };
  afterEach(function () {
    if (this.currentTest?.state === 'failed' && gateway) {
      console.log('STDERR', gateway.stderr.join('').slice(-4_000));
      console.log('LOGS', gateway.logs.slice(-40).map((line) => JSON.stringify(line)).join('\n'));
    }
  });
  after(async () => {
    await gateway?.stop('SIGKILL');
    await gateway?.removeData();
    await wa?.stop();
  });

  describe('twenty instances', () => {
    const names = Array.from({ length: 20 }, (_, i) => `boot-${String(i + 1).padStart(2, '0')}`);
    let env: Record<string, string>;

    before(async () => {
      await freshEmulator();
      env = { ...emulatorEnv(wa), SHUTDOWN_TIMEOUT_MS: '8000', RESTORE_CONCURRENCY: '2' };
      gateway = await start({ env });
      await pairAll(gateway, wa, names, (i) => `1555200${String(i).padStart(4, '0')}`, 4);
    });
    after(() => gateway?.removeData());

    it('exits 0 on SIGTERM in the middle of the restore, without starting the rest', async () => {
      expect((await gateway!.stop('SIGTERM')).code).to.equal(0);
      gateway = await start({ dataDir: gateway!.dataDir, env });
      await gateway.waitForLog((line) => line.msg === 'worker started', 10_000);
      const exit = await gateway.stop('SIGTERM');

      expect(exit.code, gateway.stderr.join('')).to.equal(0);
      expect(exit.ms).to.be.below(8_000);
      expect(gateway.logs.some((line) => line.msg === 'stopped')).to.equal(true);
      const started = gateway.logs.filter((line) => line.msg === 'worker started').length;
      expect(started, 'workers started before the signal').to.be.below(names.length);
      expect(gateway.logs.some((line) => line.msg === 'could not restore instance')).to.equal(false);
    });

    it('brings all twenty back, open, at each of ten restarts in a row, dropping no write', async () => {
      for (let round = 1; round <= 10; round += 1) {
        const exit = await gateway!.stop('SIGTERM');
        expect(exit.code, `exit of round ${round}`).to.equal(0);
        expect(droppedWrites(gateway!), `round ${round - 1}`).to.deep.equal([]);
        const started = Date.now();
        gateway = await start({ dataDir: gateway!.dataDir, env });
        await waitAllOpen(gateway, names, 60_000);
        console.log(`      round ${round}: 20 open in ${Date.now() - started} ms`);
      }
      expect(droppedWrites(gateway!)).to.deep.equal([]);
    });
  });

  describe('a hundred instances', () => {
    const names = Array.from({ length: 100 }, (_, i) => `fleet-${String(i + 1).padStart(3, '0')}`);

    it('come back open while GET / keeps answering within 200 ms', async () => {
      await gateway?.stop('SIGTERM');
      await freshEmulator();
      const env = emulatorEnv(wa);
      gateway = await start({ env });
      const pairingStarted = Date.now();
      await pairAll(gateway, wa, names, (i) => `1555300${String(i).padStart(4, '0')}`, 4);
      console.log(`      paired 100 in ${Date.now() - pairingStarted} ms`);
      expect((await gateway.stop('SIGTERM')).code).to.equal(0);

      const started = Date.now();
      gateway = await start({ dataDir: gateway.dataDir, env });
      const probe = new LatencyProbe(`${gateway.url}/`, 50);
      let latency;
      try {
        await waitAllOpen(gateway, names, 150_000);
      } finally {
        latency = await probe.stop();
      }
      const restored = await gateway.waitForLog((line) => line.msg === 'instances restored');
      const listening = Number(gateway.logs.find((line) => line.msg === 'gateway listening')?.time);
      const since = (at: number) => at - listening;
      console.log(
        `      100 open ${Date.now() - started} ms after the start (workers ready in ${String(restored.ms)} ms);` +
          ` GET / max ${latency.maxMs} ms over ${latency.requests} requests;` +
          ` slower than 100 ms: ${JSON.stringify(latency.slow.map(([at, ms]) => [since(at), ms]))}; load ${loadavg()[0].toFixed(1)}`,
      );
      expect(restored).to.include({ total: 100, restored: 100, failed: 0 });
      expect(latency.failures).to.equal(0);
      expect(latency.maxMs).to.be.below(200);
    });
  });
});
