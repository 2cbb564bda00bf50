import { Actor, withTimeout, type Reply } from '../actor/actor.js';
import type { OutboxRepository, SinkName } from '../db/outbox.js';
import type { Logger } from '../logger.js';
import { RestartPolicy } from '../supervisor/restart-policy.js';
import { SinkRunner, type RunnerOptions } from './runner.js';
import { errorText, type Sink } from './sink.js';

/** One broker's answer to a readiness probe. */
export interface BrokerCheck {
  name: SinkName;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface SinkSupervisorOptions {
  sinks: Sink[];
  outbox: OutboxRepository;
  runner: RunnerOptions;
  logger: Logger;
  restartBaseMs?: number;
  restartMaxMs?: number;
  /** How long a stopping runner may take to finish its current deliveries. */
  stopTimeoutMs?: number;
}

interface Slot {
  sink: Sink;
  runner: SinkRunner<SinkName> | null;
  generation: number;
  policy: RestartPolicy;
  timer?: NodeJS.Timeout;
}

/** Every message the sink supervisor accepts. */
type SinkSupervisorMessage =
  | { type: 'wake'; sinks: SinkName[] }
  | { type: 'crashed'; sink: SinkName; generation: number; error: unknown }
  | { type: 'restart-due'; sink: SinkName; generation: number }
  | { type: 'stop'; reply: Reply<void> };

/**
 * Runs one SinkRunner per sink and replaces a runner that crashed, after a
 * backoff. Its rows stay in the outbox meanwhile, so nothing pending is lost.
 */
export class SinkSupervisor extends Actor<SinkSupervisorMessage> {
  private readonly slots = new Map<SinkName, Slot>();
  private stopping = false;

  constructor(private readonly options: SinkSupervisorOptions) {
    super();
    for (const sink of options.sinks) {
      const slot: Slot = {
        sink,
        runner: null,
        generation: 0,
        // Sinks are never given up on: past the window's budget they keep the longest backoff.
        policy: new RestartPolicy({
          maxRestarts: Number.MAX_SAFE_INTEGER,
          windowMs: 60_000,
          backoffBaseMs: options.restartBaseMs ?? 200,
          backoffMaxMs: options.restartMaxMs ?? 10_000,
        }),
      };
      this.slots.set(sink.name, slot);
      this.startRunner(slot);
    }
  }

  /**
   * Whether each sink with a broker reaches it, each within `timeoutMs`. The
   * slots' sinks never change after construction, so this reads them
   * outside the mailbox.
   */
  async brokers(timeoutMs: number): Promise<BrokerCheck[]> {
    const probed = [...this.slots.values()].filter((slot) => slot.sink.probe);
    return Promise.all(
      probed.map(async ({ sink }): Promise<BrokerCheck> => {
        const started = performance.now();
        const latencyMs = () => Math.round(performance.now() - started);
        try {
          await withTimeout(sink.probe!(), timeoutMs, `reaching the ${sink.name} broker`);
          return { name: sink.name, ok: true, latencyMs: latencyMs() };
        } catch (error) {
          return { name: sink.name, ok: false, latencyMs: latencyMs(), error: errorText(error) };
        }
      }),
    );
  }

  get sinkNames(): SinkName[] {
    return [...this.slots.keys()];
  }

  /** Tells the runners of these sinks that new rows were committed. */
  wake(sinks: SinkName[]): void {
    this.tell({ type: 'wake', sinks });
  }

  stop(): Promise<void> {
    // Lanes finishing, then sinks closing: each bounded by stopTimeoutMs.
    const timeout = (this.options.stopTimeoutMs ?? 5_000) * 2 + 1_000;
    return this.ask<void>((reply) => ({ type: 'stop', reply }), timeout, 'stopping the sinks');
  }

  protected receive(message: SinkSupervisorMessage): void {
    switch (message.type) {
      case 'wake':
        for (const name of message.sinks) this.slots.get(name)?.runner?.wake();
        return;
      case 'crashed':
        return this.onCrashed(message.sink, message.generation, message.error);
      case 'restart-due': {
        const slot = this.slots.get(message.sink);
        if (slot && slot.generation === message.generation && !this.stopping) this.startRunner(slot);
        return;
      }
      case 'stop':
        return this.onStop(message.reply);
    }
  }

  protected failed(message: SinkSupervisorMessage, error: unknown): void {
    this.options.logger.error({ err: error, message: message.type }, 'sink supervisor failed to handle a message');
    if (message.type === 'stop') message.reply.resolve();
  }

  private startRunner(slot: Slot): void {
    slot.generation += 1;
    const generation = slot.generation;
    const name = slot.sink.name;
    slot.runner = new SinkRunner(slot.sink, this.options.outbox, this.options.runner, this.options.logger, (error) =>
      this.tell({ type: 'crashed', sink: name, generation, error }),
    );
  }

  private onCrashed(name: SinkName, generation: number, error: unknown): void {
    const slot = this.slots.get(name);
    if (!slot || slot.generation !== generation || !slot.runner) return;
    const runner = slot.runner;
    slot.runner = null;
    const decision = slot.policy.onCrash(Date.now());
    const delayMs = decision.restart ? decision.delayMs : (this.options.restartMaxMs ?? 10_000);
    this.options.logger.error({ sink: name, err: error, restartInMs: delayMs }, 'sink crashed');
    // The old runner's lanes must be finished before a new runner takes them over, or a lane could run twice.
    void runner
      .stop(this.options.stopTimeoutMs ?? 5_000)
      .catch(() => undefined)
      .then(() => {
        slot.timer = setTimeout(() => this.tell({ type: 'restart-due', sink: name, generation }), delayMs);
      });
  }

  private onStop(reply: Reply<void>): void {
    this.stopping = true;
    const stops: Promise<unknown>[] = [];
    for (const slot of this.slots.values()) {
      clearTimeout(slot.timer);
      if (slot.runner) stops.push(slot.runner.stop(this.options.stopTimeoutMs ?? 5_000).catch(() => undefined));
      slot.runner = null;
    }
    void Promise.all(stops)
      .then(() =>
        // A broker that is gone may never answer a close: do not wait for it forever.
        Promise.all(
          [...this.slots.values()].map((slot) =>
            withTimeout(slot.sink.close(), this.options.stopTimeoutMs ?? 5_000, `closing ${slot.sink.name}`).catch(() => undefined),
          ),
        ),
      )
      .then(() => reply.resolve());
  }
}
