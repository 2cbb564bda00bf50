import { Actor, type Reply } from '../actor/actor.js';
import { laneKey, type Lane, type OutboxRepository, type OutboxRow, type SinkName } from '../db/outbox.js';
import type { Logger } from '../logger.js';
import type { DeliveryOutcomeLabel } from '../metrics/metrics.js';
import type { Delivery, DeliveryOf } from './delivery.js';
import { nextAttempt, type RetryPolicyOptions } from './retry-policy.js';
import type { Sink } from './sink.js';

export interface RunnerOptions {
  retry: RetryPolicyOptions;
  /** Lanes delivered at the same time. */
  concurrency: number;
  /** Rows read from a lane at a time. */
  batch: number;
  pollMs: number;
  /** Told how each delivery attempt ended (for the metrics). */
  outcome?: (sink: SinkName, outcome: DeliveryOutcomeLabel) => void;
  now?: () => number;
}

/** Every message a sink runner accepts. */
type RunnerMessage =
  | { type: 'scan' }
  | { type: 'lane-done'; key: string }
  | { type: 'lane-failed'; key: string; error: unknown }
  | { type: 'stop'; reply: Reply<void> };

/**
 * Delivers one sink's outbox rows. Rows of a lane (same instance and
 * destination) go strictly in order, one after the other; different lanes run
 * side by side, so a slow or failing destination holds up only its own lane.
 * A failed row waits for its retry time and blocks its lane until then.
 */
export class SinkRunner<S extends SinkName> extends Actor<RunnerMessage> {
  private readonly running = new Map<string, Promise<void>>();
  private scanning = false;
  private scanAgain = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(
    private readonly sink: Sink<S>,
    private readonly outbox: OutboxRepository,
    private readonly options: RunnerOptions,
    private readonly logger: Logger,
    /** Told when the runner cannot go on; its supervisor replaces it. */
    private readonly crashed: (error: unknown) => void,
  ) {
    super();
    this.now = options.now ?? Date.now;
    this.timer = setInterval(() => this.tell({ type: 'scan' }), options.pollMs);
    this.timer.unref();
    this.tell({ type: 'scan' });
  }

  /** New rows were committed: look for work now rather than at the next poll. */
  wake(): void {
    this.tell({ type: 'scan' });
  }

  /** Lets running lanes finish their current delivery, then stops. */
  stop(timeoutMs: number): Promise<void> {
    return this.ask<void>((reply) => ({ type: 'stop', reply }), timeoutMs, `stopping the ${this.sink.name} sink`);
  }

  protected receive(message: RunnerMessage): void {
    switch (message.type) {
      case 'scan':
        return this.scan();
      case 'lane-done':
        this.running.delete(message.key);
        return this.scan();
      case 'lane-failed':
        this.running.delete(message.key);
        return this.crash(message.error);
      case 'stop':
        this.stopped = true;
        clearInterval(this.timer);
        void Promise.allSettled([...this.running.values()]).then(() => message.reply.resolve());
        return;
    }
  }

  protected failed(_message: RunnerMessage, error: unknown): void {
    this.crash(error);
  }

  private crash(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.crashed(error);
  }

  /** Starts a lane for every due head that has none running, up to the concurrency. */
  private scan(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.scanAgain = true;
      return;
    }
    const free = this.options.concurrency - this.running.size;
    if (free <= 0) return;
    this.scanning = true;
    this.outbox
      .dueHeads(this.sink.name, this.now(), free + this.running.size)
      .then((heads) => {
        for (const head of heads) {
          if (this.running.size >= this.options.concurrency) break;
          const key = laneKey(head);
          if (this.running.has(key)) continue;
          this.running.set(key, this.runLane({ instanceId: head.instanceId, destination: head.destination }, key));
        }
      })
      .catch((error: unknown) => this.crash(error))
      .finally(() => {
        this.scanning = false;
        if (this.scanAgain) {
          this.scanAgain = false;
          this.tell({ type: 'scan' });
        }
      });
  }

  private async runLane(lane: Lane, key: string): Promise<void> {
    try {
      await this.drainLane(lane);
      this.tell({ type: 'lane-done', key });
    } catch (error) {
      this.tell({ type: 'lane-failed', key, error });
    }
  }

  /** Delivers the lane's rows in order until it is empty, blocked by a retry, or the runner stops. */
  private async drainLane(lane: Lane): Promise<void> {
    const done: number[] = [];
    try {
      while (!this.stopped) {
        const rows = await this.outbox.laneRows(this.sink.name, lane, this.options.batch);
        if (rows.length === 0) return;
        for (const row of rows) {
          if (this.stopped || row.nextAttemptAt > this.now()) return;
          const delivery = JSON.parse(row.payload) as Delivery;
          const outcome = await this.sink.deliver(delivery as DeliveryOf<S>, row.eventId);
          if (outcome.ok) {
            this.options.outcome?.(this.sink.name, 'delivered');
            done.push(row.id);
            continue;
          }
          await this.flush(done);
          await this.fail(row, delivery.sink === 'chatwoot' ? delivery.instance.name : delivery.envelope.instance, outcome.retryable, outcome.error);
          return;
        }
        await this.flush(done);
      }
    } finally {
      await this.flush(done);
    }
  }

  private async flush(done: number[]): Promise<void> {
    if (done.length === 0) return;
    await this.outbox.markDelivered(done.splice(0), this.now());
  }

  private async fail(row: OutboxRow, instance: string | null, retryable: boolean, error: string): Promise<void> {
    const attempts = row.attempts + 1;
    const decision = nextAttempt(attempts, retryable, this.options.retry);
    const nextAttemptAt = decision.dead ? row.nextAttemptAt : this.now() + decision.delayMs;
    await this.outbox.markFailed(row.id, { attempts, nextAttemptAt, error, dead: decision.dead });
    this.options.outcome?.(this.sink.name, decision.dead ? 'reject' : 'retry');
    const log = { instance, instanceId: row.instanceId, sink: this.sink.name, eventId: row.eventId, attempts, error };
    if (decision.dead) this.logger.warn(log, 'event dead-lettered');
    else this.logger.info({ ...log, retryInMs: decision.delayMs }, 'delivery failed, will retry');
  }
}
