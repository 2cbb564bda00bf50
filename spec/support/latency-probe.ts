import { Worker } from 'node:worker_threads';

export interface LatencyReport {
  requests: number;
  maxMs: number;
  /** Answers slower than 100 ms: [when (epoch ms), how long]. */
  slow: [number, number][];
  /** Requests that failed or did not answer 200. */
  failures: number;
}

// Runs in its own thread, so that what the test process does meanwhile (the
// emulator answering a hundred logins) never delays a measurement.
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, intervalMs } = workerData;
const report = { requests: 0, maxMs: 0, failures: 0, slow: [] };
let running = true;
parentPort.on('message', () => { running = false; });
(async () => {
  // Not measured: the thread's first fetch loads and compiles its HTTP client.
  await fetch(url).then((response) => response.arrayBuffer(), () => undefined);
  while (running) {
    const started = performance.now();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status !== 200) report.failures += 1;
    } catch {
      report.failures += 1;
    }
    const ms = performance.now() - started;
    report.requests += 1;
    report.maxMs = Math.max(report.maxMs, ms);
    if (ms > 100) report.slow.push([Date.now(), Math.round(ms)]);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  parentPort.postMessage(report);
})();
`;

/** Asks `url` every `intervalMs` from another thread and records the slowest answer. */
export class LatencyProbe {
  private readonly worker: Worker;
  private readonly done: Promise<LatencyReport>;

  constructor(url: string, intervalMs = 50) {
    this.worker = new Worker(PROBE, { eval: true, workerData: { url, intervalMs } });
    this.done = new Promise((resolve, reject) => {
      this.worker.once('message', (report: LatencyReport) => resolve(report));
      this.worker.once('error', reject);
    });
  }

  async stop(): Promise<LatencyReport> {
    this.worker.postMessage('stop');
    const report = await this.done;
    await this.worker.terminate();
    return { ...report, maxMs: Math.round(report.maxMs) };
  }
}
