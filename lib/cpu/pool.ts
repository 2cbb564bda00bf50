import { Piscina } from 'piscina';
import type { MediaSource, PreparedMedia } from '../../workers/cpu.js';

/** The piscina pool for CPU-bound work (QR images, media encoding). */
export class CpuPool {
  private readonly pool: Piscina;

  constructor(maxThreads = 2) {
    this.pool = new Piscina({
      filename: new URL('../../workers/cpu.js', import.meta.url).href,
      minThreads: 0,
      maxThreads,
      idleTimeout: 30_000,
    });
  }

  /** Downloads (URL) or decodes (base64) media to send, with its type and file name. */
  prepareMedia(source: MediaSource): Promise<PreparedMedia> {
    return this.pool.run(source, { name: 'prepareMedia' }) as Promise<PreparedMedia>;
  }

  /** A QR code as a PNG data URL (`data:image/png;base64,...`). */
  qrDataUrl(text: string): Promise<string> {
    return this.pool.run(text, { name: 'qrDataUrl' }) as Promise<string>;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
