import type { StoreRequest, StoreResultOf } from '../lib/store/protocol.js';

/** Failure the store reported for one of this worker's requests. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The worker's side of the store: requests travel to the main thread, which
 * owns the database, and come back as replies matched by correlation id. The
 * worker holds no database connection, so ending it at any moment leaves
 * nothing half-done on this side.
 */
export class StoreClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly send: (id: number, request: StoreRequest) => void) {}

  request<R extends StoreRequest>(request: R): Promise<StoreResultOf<R>> {
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send(id, request);
    }) as Promise<StoreResultOf<R>>;
  }

  settle(id: number, outcome: { ok: true; result: unknown } | { ok: false; error: string }): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (outcome.ok) pending.resolve(outcome.result);
    else pending.reject(new StoreError(outcome.error));
  }
}
