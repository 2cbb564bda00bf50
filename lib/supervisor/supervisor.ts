import type { ConnectionPatch } from '../db/instances.js';
import type { ResourceLimits } from 'node:worker_threads';
import type { EventName } from '../events/names.js';
import type { Integration } from '../instances/integration.js';
import type { EventPayloads } from '../events/payloads.js';
import type { Logger } from '../logger.js';
import { Actor, type Reply } from '../actor/actor.js';
import { DomainError } from '../errors.js';
import type { StoreRequest } from '../store/protocol.js';
import type { FaultKind, ResultOf, SharedWorkerData, WorkerCommand, WorkerData } from './protocol.js';
import { RestartPolicy, type RestartPolicyOptions } from './restart-policy.js';
import { WorkerHandle, type WorkerOutput } from './worker-handle.js';

/** How long terminate() may take to end a thread, even one stuck in a loop. */
const TERMINATE_MS = 2_000;

/** What the supervisor reports about an instance's worker. */
export type WorkerState = 'stopped' | 'starting' | 'running' | 'restarting' | 'crashed' | 'stopping';

export interface InstanceRef {
  id: string;
  name: string;
  /** Known when the caller holds the instance row: WHATSAPP-BUSINESS commands go to its Cloud channel. */
  integration?: Integration;
}

/** Answers the commands of WHATSAPP-BUSINESS instances, which have no worker (lib/cloud/channel.ts). */
export interface CommandChannel {
  command<C extends WorkerCommand>(instance: InstanceRef, command: C): Promise<ResultOf<C>>;
}

/** Told about everything a worker reports; implemented by the instance lifecycle. */
export interface SupervisorObserver {
  connection(instance: InstanceRef, patch: ConnectionPatch, final: boolean): void;
  event<E extends EventName>(instance: InstanceRef, event: E, data: EventPayloads[E]): void;
  crashed(instance: InstanceRef, detail: { error?: string; exitCode: number; restartInMs: number | null }): void;
}

export class InstanceNotRunningError extends DomainError {
  constructor(
    readonly instance: string,
    readonly state: WorkerState,
  ) {
    super('not-connected', `The "${instance}" instance is not connected`);
    this.name = 'InstanceNotRunningError';
  }
}

export class ShuttingDownError extends DomainError {
  constructor() {
    super('unavailable', 'the gateway is shutting down');
    this.name = 'ShuttingDownError';
  }
}

export interface SupervisorOptions {
  workerUrl: URL;
  workerData: SharedWorkerData;
  /** V8 heap limits of each worker: a small young generation keeps idle instances small. */
  resourceLimits?: ResourceLimits;
  restart: RestartPolicyOptions;
  requestTimeoutMs: number;
  /** How long a worker may take to close its socket before it is terminated. */
  stopTimeoutMs: number;
  logger: Logger;
  observer: SupervisorObserver;
  /** Where commands of WHATSAPP-BUSINESS instances go; without it they find no worker. */
  cloud?: CommandChannel;
  /** Serves the store requests of a worker, bound to its instance's id. */
  store(instanceId: string, request: StoreRequest): Promise<unknown>;
  now?: () => number;
}

interface Entry {
  instance: InstanceRef;
  state: Exclude<WorkerState, 'stopped'>;
  generation: number;
  attempt: number;
  policy: RestartPolicy;
  handle?: WorkerHandle;
  timer?: NodeJS.Timeout;
  /** Callers of start() waiting for the worker to say it is ready. */
  readyWaiters: Reply<void>[];
  stopWaiters: Reply<void>[];
}

/** Every message the supervisor accepts. Workers are keyed by instance id, never by name. */
type SupervisorMessage =
  | { type: 'start'; instance: InstanceRef; reply: Reply<void> }
  | { type: 'stop'; id: string; reply: Reply<void> }
  | { type: 'kill'; id: string; reply: Reply<boolean> }
  | { type: 'fault'; id: string; fault: FaultKind; reason: string; reply: Reply<boolean> }
  | { type: 'command'; instance: InstanceRef; command: WorkerCommand; timeoutMs: number; reply: Reply<unknown> }
  | { type: 'snapshot'; reply: Reply<Map<string, WorkerState>> }
  | { type: 'shutdown'; reply: Reply<void> }
  | { type: 'worker-output'; id: string; generation: number; output: WorkerOutput }
  | { type: 'worker-exit'; id: string; generation: number; code: number; error?: Error }
  | { type: 'restart-due'; id: string; generation: number };

/**
 * Owns the map instance id → worker thread. Starts a worker when an instance needs
 * a connection, restarts it after a crash under a RestartPolicy, and marks it
 * crashed past the policy's intensity until it is started again explicitly.
 */
export class Supervisor extends Actor<SupervisorMessage> {
  private readonly entries = new Map<string, Entry>();
  private accepting = true;
  private readonly now: () => number;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** Starts the instance's worker unless it runs already; resolves once it is ready. */
  start(instance: InstanceRef): Promise<void> {
    return this.ask<void>((reply) => ({ type: 'start', instance, reply }), this.startTimeout(), `starting "${instance.name}"`);
  }

  /** Asks the worker to close its socket (keeping its session), then ends the thread. */
  stop(instance: InstanceRef): Promise<void> {
    return this.ask<void>((reply) => ({ type: 'stop', id: instance.id, reply }), this.stopBudget(), `stopping "${instance.name}"`);
  }

  /**
   * Ends the worker thread abruptly, as a crash would: the restart policy
   * applies. For a worker that stopped answering, and for fault-injection tests.
   */
  kill(instance: InstanceRef): Promise<boolean> {
    return this.ask<boolean>((reply) => ({ type: 'kill', id: instance.id, reply }), 5_000, `killing "${instance.name}"`);
  }

  /**
   * Makes the worker fail from the inside, as a bug, a leak or a stuck loop
   * would; the restart policy applies. For fault-injection tests.
   */
  injectFault(instance: InstanceRef, fault: FaultKind = 'throw', reason = 'injected fault'): Promise<boolean> {
    return this.ask<boolean>((reply) => ({ type: 'fault', id: instance.id, fault, reason, reply }), 5_000, `faulting "${instance.name}"`);
  }

  async restart(instance: InstanceRef): Promise<void> {
    await this.stop(instance);
    await this.start(instance);
  }

  command<C extends WorkerCommand>(
    instance: InstanceRef,
    command: C,
    timeoutMs = this.options.requestTimeoutMs,
  ): Promise<ResultOf<C>> {
    // A Cloud API number has no connection to own: its commands are Graph calls made here.
    if (instance.integration === 'WHATSAPP-BUSINESS' && this.options.cloud) return this.options.cloud.command(instance, command);
    // The worker handle enforces timeoutMs; the extra second only guards the mailbox.
    return this.ask<unknown>(
      (reply) => ({ type: 'command', instance, command, timeoutMs, reply }),
      timeoutMs + 1_000,
      `"${command.kind}" for "${instance.name}"`,
    ) as Promise<ResultOf<C>>;
  }

  snapshot(): Promise<Map<string, WorkerState>> {
    return this.ask((reply) => ({ type: 'snapshot', reply }), 5_000, 'supervisor snapshot');
  }

  async state(instance: InstanceRef): Promise<WorkerState> {
    return (await this.snapshot()).get(instance.id) ?? 'stopped';
  }

  shutdown(): Promise<void> {
    return this.ask<void>((reply) => ({ type: 'shutdown', reply }), this.stopBudget(), 'supervisor shutdown');
  }

  protected receive(message: SupervisorMessage): void {
    switch (message.type) {
      case 'start':
        return this.onStart(message.instance, message.reply);
      case 'stop':
        return this.onStop(message.id, message.reply);
      case 'kill':
        return this.onKill(message.id, message.reply);
      case 'fault':
        return this.onFault(message.id, message.fault, message.reason, message.reply);
      case 'command':
        return this.onCommand(message.instance, message.command, message.timeoutMs, message.reply);
      case 'snapshot':
        return message.reply.resolve(new Map([...this.entries].map(([id, entry]) => [id, entry.state])));
      case 'shutdown':
        return this.onShutdown(message.reply);
      case 'worker-output':
        return this.onOutput(message.id, message.generation, message.output);
      case 'worker-exit':
        return this.onExit(message.id, message.generation, message.code, message.error);
      case 'restart-due':
        return this.onRestartDue(message.id, message.generation);
    }
  }

  protected failed(message: SupervisorMessage, error: unknown): void {
    this.options.logger.error({ err: error, message: message.type }, 'supervisor failed to handle a message');
    if ('reply' in message) message.reply.reject(error instanceof Error ? error : new Error(String(error)));
  }

  private startTimeout(): number {
    return this.options.requestTimeoutMs + this.stopBudget();
  }

  /** The close a worker is given, then the time terminate() needs to end its thread. */
  private stopBudget(): number {
    return this.options.stopTimeoutMs + TERMINATE_MS;
  }

  private onStart(instance: InstanceRef, reply: Reply<void>): void {
    if (!this.accepting) return reply.reject(new ShuttingDownError());
    const entry = this.entries.get(instance.id);
    if (entry?.state === 'running') return reply.resolve();
    if (entry?.state === 'starting') {
      entry.readyWaiters.push(reply);
      return;
    }
    if (entry?.state === 'stopping') {
      // Start again once the old thread has gone.
      entry.stopWaiters.push({ resolve: () => this.tell({ type: 'start', instance, reply }), reject: reply.reject });
      return;
    }
    // An explicit start forgives earlier crashes and cuts a pending backoff short.
    if (entry) clearTimeout(entry.timer);
    const fresh: Entry = {
      instance,
      state: 'starting',
      generation: entry?.generation ?? 0,
      attempt: 0,
      policy: new RestartPolicy(this.options.restart),
      readyWaiters: [reply],
      stopWaiters: [],
    };
    this.entries.set(instance.id, fresh);
    this.spawn(fresh);
  }

  private spawn(entry: Entry): void {
    entry.generation += 1;
    entry.state = 'starting';
    const { id, name } = entry.instance;
    const generation = entry.generation;
    const data: WorkerData = {
      ...this.options.workerData,
      instanceId: id,
      instanceName: name,
      attempt: entry.attempt,
    };
    try {
      entry.handle = new WorkerHandle(this.options.workerUrl, data, this.options.requestTimeoutMs, {
        output: (output) => this.tell({ type: 'worker-output', id, generation, output }),
        store: (request) => this.options.store(id, request),
        exit: (code, error) => this.tell({ type: 'worker-exit', id, generation, code, error }),
      }, this.options.resourceLimits);
    } catch (error) {
      // The thread could not even be created: same as a crash at start.
      this.tell({ type: 'worker-exit', id, generation, code: 1, error: error as Error });
      return;
    }
    this.options.logger.info({ instance: name, attempt: entry.attempt, threadId: entry.handle.threadId }, 'worker started');
  }

  private onOutput(id: string, generation: number, output: WorkerOutput): void {
    const entry = this.current(id, generation);
    if (!entry) return;
    switch (output.type) {
      case 'ready':
        if (entry.state === 'starting') entry.state = 'running';
        settleAll(entry.readyWaiters, (waiter) => waiter.resolve());
        return;
      case 'connection':
        return this.options.observer.connection(entry.instance, output.patch, output.final ?? false);
      case 'event':
        return this.options.observer.event(entry.instance, output.event, output.data as EventPayloads[typeof output.event]);
    }
  }

  private onExit(id: string, generation: number, code: number, error: Error | undefined): void {
    const entry = this.current(id, generation);
    if (!entry) return;
    const { name } = entry.instance;
    entry.handle = undefined;
    if (entry.state === 'stopping') {
      this.entries.delete(id);
      settleAll(entry.stopWaiters, (waiter) => waiter.resolve());
      return;
    }
    const crash = error ?? new Error(`worker exited with code ${code}`);
    settleAll(entry.readyWaiters, (waiter) => waiter.reject(crash));
    const decision = this.accepting ? entry.policy.onCrash(this.now()) : ({ restart: false } as const);
    const restartInMs = decision.restart ? decision.delayMs : null;
    this.options.logger.error({ instance: name, exitCode: code, err: error, restartInMs }, 'worker crashed');
    this.options.observer.crashed(entry.instance, { error: error?.message, exitCode: code, restartInMs });
    if (!decision.restart) {
      entry.state = 'crashed';
      return;
    }
    entry.state = 'restarting';
    entry.timer = setTimeout(() => this.tell({ type: 'restart-due', id, generation: entry.generation }), decision.delayMs);
  }

  private onRestartDue(id: string, generation: number): void {
    const entry = this.current(id, generation);
    if (!entry || entry.state !== 'restarting' || !this.accepting) return;
    entry.attempt += 1;
    this.spawn(entry);
  }

  private onStop(id: string, reply: Reply<void>): void {
    const entry = this.entries.get(id);
    if (!entry) return reply.resolve();
    const { name } = entry.instance;
    if (entry.state === 'stopping') {
      entry.stopWaiters.push(reply);
      return;
    }
    clearTimeout(entry.timer);
    if (!entry.handle) {
      // Waiting for a restart or crashed: there is no thread to end.
      this.entries.delete(id);
      return reply.resolve();
    }
    settleAll(entry.readyWaiters, (waiter) => waiter.reject(new Error(`"${name}" was stopped while starting`)));
    entry.state = 'stopping';
    entry.stopWaiters.push(reply);
    const handle = entry.handle;
    void handle
      .request({ kind: 'close' }, this.options.stopTimeoutMs)
      .catch((error: Error) => this.options.logger.warn({ instance: name, err: error }, 'worker did not close in time'))
      .finally(() => void handle.terminate());
  }

  private onFault(id: string, fault: FaultKind, reason: string, reply: Reply<boolean>): void {
    const handle = this.entries.get(id)?.handle;
    if (!handle) return reply.resolve(false);
    handle.injectFault(fault, reason);
    reply.resolve(true);
  }

  private onKill(id: string, reply: Reply<boolean>): void {
    const handle = this.entries.get(id)?.handle;
    if (!handle) return reply.resolve(false);
    void handle.terminate();
    reply.resolve(true);
  }

  private onCommand(instance: InstanceRef, command: WorkerCommand, timeoutMs: number, reply: Reply<unknown>): void {
    const entry = this.entries.get(instance.id);
    if (!entry?.handle || entry.state !== 'running') {
      return reply.reject(new InstanceNotRunningError(instance.name, entry?.state ?? 'stopped'));
    }
    entry.handle.request(command, timeoutMs).then(reply.resolve, reply.reject);
  }

  private onShutdown(reply: Reply<void>): void {
    this.accepting = false;
    const ids = [...this.entries.keys()];
    const stops = ids.map((id) => new Promise<void>((resolve) => this.onStop(id, { resolve, reject: () => resolve() })));
    void Promise.all(stops).then(() => reply.resolve());
  }

  /** The entry, if this message comes from its current worker and not an older one. */
  private current(id: string, generation: number): Entry | undefined {
    const entry = this.entries.get(id);
    return entry && entry.generation === generation ? entry : undefined;
  }
}

function settleAll<T>(waiters: T[], settle: (waiter: T) => void): void {
  for (const waiter of waiters.splice(0)) settle(waiter);
}
