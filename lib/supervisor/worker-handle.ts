import { Worker, type ResourceLimits } from 'node:worker_threads';
import { TimeoutError } from '../actor/actor.js';
import type { FromWorker, ResultOf, ToWorker, WorkerCommand, WorkerData } from './protocol.js';

/** A command the worker received and refused (bad state, unknown jid, ...). */
export class WorkerCommandError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WorkerCommandError';
  }
}

export class WorkerGoneError extends Error {
  constructor(instance: string) {
    super(`the worker of "${instance}" stopped before answering`);
    this.name = 'WorkerGoneError';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface WorkerListeners {
  output(message: Exclude<FromWorker, { type: 'reply' }>): void;
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
      else listeners.output(message);
    });
    this.worker.on('error', (error) => {
      this.lastError = error;
    });
    this.worker.on('exit', (code) => {
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
      const message: ToWorker = { type: 'request', id, command };
      this.worker.postMessage(message);
    });
  }

  /** Makes the worker crash from the inside (see ToWorker 'fault'). */
  injectFault(reason: string): void {
    const message: ToWorker = { type: 'fault', reason };
    this.worker.postMessage(message);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
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
