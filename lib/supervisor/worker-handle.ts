import { Worker, type ResourceLimits } from 'node:worker_threads';
import { TimeoutError } from '../actor/actor.js';
import { DomainError } from '../errors.js';
import type { StoreRequest } from '../store/protocol.js';
import type { FaultKind, FromWorker, RefusalCode, ResultOf, ToWorker, WorkerCommand, WorkerData } from './protocol.js';

/** A command the worker received and refused (bad state, unknown jid, ...). */
export class WorkerCommandError extends DomainError {
  constructor(
    message: string,
    readonly code: RefusalCode,
  ) {
    super(code, message);
    this.name = 'WorkerCommandError';
  }
}

export class WorkerGoneError extends DomainError {
  constructor(instance: string) {
    super('unavailable', `the worker of "${instance}" stopped before answering`);
    this.name = 'WorkerGoneError';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export type WorkerOutput = Exclude<FromWorker, { type: 'reply' } | { type: 'store' }>;

export interface WorkerListeners {
  output(message: WorkerOutput): void;
  /** Serves a store request of this worker; the handle answers it while the thread lives. */
  store(request: StoreRequest): Promise<unknown>;
  exit(code: number, error: Error | undefined): void;
}

/**
 * One running worker thread: posts commands, matches replies to requests by
 * correlation id, and fails every pending request when the thread ends.
 */
export class WorkerHandle {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private lastError: Error | undefined;
  private exited = false;

  constructor(
    url: URL,
    private readonly data: WorkerData,
    private readonly timeoutMs: number,
    listeners: WorkerListeners,
    resourceLimits?: ResourceLimits,
  ) {
    this.worker = new Worker(url, { workerData: data, name: `instance:${data.instanceName}`, resourceLimits });
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'reply') this.settle(message);
      else if (message.type === 'store') this.serveStore(message.id, message.request, listeners);
      else listeners.output(message);
    });
    this.worker.on('error', (error) => {
      this.lastError = error;
    });
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.failAll(new WorkerGoneError(data.instanceName));
      listeners.exit(code, this.lastError);
    });
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  request<C extends WorkerCommand>(command: C, timeoutMs = this.timeoutMs): Promise<ResultOf<C>> {
    const id = this.nextId++;
    return new Promise<ResultOf<C>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new TimeoutError(`"${command.kind}" to the worker of "${this.data.instanceName}"`, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      this.post({ type: 'request', id, command });
    });
  }

  /** Makes the worker fail from the inside (see ToWorker 'fault'). */
  injectFault(fault: FaultKind, reason: string): void {
    this.post({ type: 'fault', fault, reason });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private post(message: ToWorker): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  /** A write is committed even when its worker is gone by then; only the answer is dropped. */
  private serveStore(id: number, request: StoreRequest, listeners: WorkerListeners): void {
    listeners.store(request).then(
      (result) => this.post({ type: 'store-reply', id, ok: true, result }),
      (error: unknown) => this.post({ type: 'store-reply', id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  }

  private settle(reply: Extract<FromWorker, { type: 'reply' }>): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(new WorkerCommandError(reply.error, reply.code));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }
}
