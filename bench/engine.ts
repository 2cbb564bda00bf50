// The engine baseline's main-thread side: one worker thread running bare
// Baileys (bench/engine-worker.ts) per emulated account, paired with the
// emulator the way the spec helpers pair a gateway instance.
import { Worker } from 'node:worker_threads';
import type { WaEmulator } from '../spec/support/whatsapp-emulator/index.js';
import type { EngineWorkerData, FromEngine, ToEngine } from './engine-worker.js';

/**
 * The heap limits of every instance thread, the engine's and the gateway's alike
 * (bench/send.ts passes them as WORKER_YOUNG_GENERATION_MB and
 * WORKER_OLD_GENERATION_MB); by default the gateway's own defaults.
 */
export const WORKER_LIMITS = {
  maxYoungGenerationSizeMb: Number(process.env.BENCH_YOUNG_GENERATION_MB ?? 2),
  maxOldGenerationSizeMb: 512,
};

const WORKER_URL = new URL('./engine-worker.js', import.meta.url);
const PAIR_TIMEOUT_MS = 20_000;

export class EngineInstance {
  private listener: ((message: FromEngine) => void) | null = null;
  private failure: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly phone: string,
  ) {
    worker.on('message', (message: FromEngine) => {
      // Remembered, so that a later request fails at once instead of timing out.
      if (message.type === 'error') this.failure ??= new Error(`engine ${phone}: ${message.message}`);
      this.listener?.(message);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`engine worker exited (${code})`)));
  }

  /** A worker whose Baileys socket shows a QR, which the emulated phone of `phone` scans; resolves once open. */
  static async pair(wa: WaEmulator, phone: string): Promise<EngineInstance> {
    const data: EngineWorkerData = {
      websocketUrl: wa.url,
      certPublicKey: wa.rootPublicKey.toString('base64'),
      connectTimeoutMs: 5_000,
      queryTimeoutMs: 5_000,
      browser: ['wa-gateway', 'Chrome', '1.0.0'],
    };
    const worker = new Worker(WORKER_URL, { workerData: data, name: `engine:${phone}`, resourceLimits: WORKER_LIMITS });
    const engine = new EngineInstance(worker, phone);
    let scanned = false;
    try {
      await engine.until((message) => {
        if (message.type === 'qr' && !scanned) {
          scanned = true;
          wa.scanQr(message.qr, { phone, name: `Owner of ${phone}` }).catch((error: unknown) => engine.fail(error as Error));
        }
        return message.type === 'open';
      }, PAIR_TIMEOUT_MS);
    } catch (error) {
      // A thread left running would keep the bench process alive after the failure.
      await engine.close();
      throw error;
    }
    return engine;
  }

  /** Sends the texts to `number` with `concurrency` in flight; resolves when every send call returned. */
  async send(number: string, texts: string[], concurrency: number): Promise<{ failed: number; firstError: string | null }> {
    const done = this.until((message) => message.type === 'sent');
    this.post({ type: 'send', number, texts, concurrency });
    const reply = await done;
    return reply.type === 'sent' ? reply : { failed: texts.length, firstError: 'no reply' };
  }

  async close(): Promise<void> {
    const closed = this.until((message) => message.type === 'closed', 5_000).catch(() => undefined);
    this.post({ type: 'close' });
    await closed;
    this.listener = null;
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private post(message: ToEngine): void {
    this.worker.postMessage(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.listener?.({ type: 'error', message: error.message });
  }

  /** The first message `match` accepts; an error message from the worker rejects. */
  private until(match: (message: FromEngine) => boolean, timeoutMs = 600_000): Promise<FromEngine> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`engine ${this.phone}: no answer within ${timeoutMs} ms`)), timeoutMs);
      this.listener = (message) => {
        if (message.type === 'error') {
          clearTimeout(timer);
          reject(new Error(`engine ${this.phone}: ${message.message}`));
        } else if (match(message)) {
          clearTimeout(timer);
          this.listener = null;
          resolve(message);
        }
      };
    });
  }
}
