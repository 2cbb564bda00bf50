import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BacklogEntry, SinkName } from '../db/outbox.js';
import type { ConnectionStatus } from '../db/instances.js';
import type { WorkerState } from '../supervisor/supervisor.js';

/** How one delivery attempt of a sink ended. */
export type DeliveryOutcomeLabel = 'delivered' | 'retry' | 'reject';

/** What a scrape reads from the database and the supervisor. */
export interface ScrapeSources {
  instances(): Promise<{ id: string; name: string; connectionStatus: ConnectionStatus }[]>;
  workers(): Promise<Map<string, WorkerState>>;
  backlog(): Promise<BacklogEntry[]>;
  now?: () => number;
}

const CONNECTION_STATES: ConnectionStatus[] = ['open', 'connecting', 'close'];
const WORKER_STATES: Exclude<WorkerState, 'stopped'>[] = ['starting', 'running', 'restarting', 'crashed', 'stopping'];
/** Seconds; from a fast JSON answer to a slow WhatsApp query or media upload. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The gateway's Prometheus metrics, in a registry of its own: two gateways in
 * one process (as in the specs) never share or overwrite a series. Counters
 * are told as things happen; gauges are computed when scraped.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  private readonly instances = new Gauge({
    name: 'wa_gateway_instances',
    help: 'Instances by connection state, as stored in the instances table.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  private readonly workers = new Gauge({
    name: 'wa_gateway_workers',
    help: 'Instance worker threads by supervisor state.',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  private readonly workerCrashes = new Counter({
    name: 'wa_gateway_worker_crashes_total',
    help: 'Instance workers that ended without being asked to (error, exit, heap limit, terminate).',
    labelNames: ['instance'] as const,
    registers: [this.registry],
  });

  private readonly workerRestarts = new Counter({
    name: 'wa_gateway_worker_restarts_total',
    help: 'Restarts of a crashed worker scheduled by the restart policy (crashes past the limit are not restarted).',
    labelNames: ['instance'] as const,
    registers: [this.registry],
  });

  private readonly outboxPending = new Gauge({
    name: 'wa_gateway_outbox_pending',
    help: 'Events waiting in the outbox for delivery, per sink and instance.',
    labelNames: ['sink', 'instance'] as const,
    registers: [this.registry],
  });

  private readonly outboxOldestAge = new Gauge({
    name: 'wa_gateway_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest event waiting in the outbox, per sink and instance.',
    labelNames: ['sink', 'instance'] as const,
    registers: [this.registry],
  });

  private readonly deadLetters = new Gauge({
    name: 'wa_gateway_outbox_dead_letters',
    help: 'Events given up on (dead letters, listable and replayable through the API), per sink.',
    labelNames: ['sink'] as const,
    registers: [this.registry],
  });

  private readonly deliveries = new Counter({
    name: 'wa_gateway_sink_deliveries_total',
    help: 'Delivery attempts per sink by outcome: delivered, retry (failed, tried again later) or reject (failed and dead-lettered: refused, or out of attempts).',
    labelNames: ['sink', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly requests = new Histogram({
    name: 'wa_gateway_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  /** Scrapes one after the other, so that one's gauges are not reset under another. */
  private scraping: Promise<unknown> = Promise.resolve();

  constructor(private readonly sinks: readonly SinkName[]) {
    // Event loop lag, heap, resident memory, GC, handles: into our registry, not the global one.
    collectDefaultMetrics({ register: this.registry });
    for (const sink of sinks) {
      this.deadLetters.set({ sink }, 0);
      for (const outcome of ['delivered', 'retry', 'reject'] as const) this.deliveries.inc({ sink, outcome }, 0);
    }
  }

  workerCrashed(instance: string, restarting: boolean): void {
    this.workerCrashes.inc({ instance });
    if (restarting) this.workerRestarts.inc({ instance });
  }

  delivery(sink: SinkName, outcome: DeliveryOutcomeLabel): void {
    this.deliveries.inc({ sink, outcome });
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.requests.observe({ method, route, status: String(status) }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text, with the gauges computed now. */
  scrape(sources: ScrapeSources): Promise<string> {
    const next = this.scraping.then(() => this.refreshAndRender(sources));
    this.scraping = next.catch(() => undefined);
    return next;
  }

  private async refreshAndRender(sources: ScrapeSources): Promise<string> {
    const [instances, workers, backlog] = await Promise.all([sources.instances(), sources.workers(), sources.backlog()]);
    const now = (sources.now ?? Date.now)();
    this.setInstances(instances);
    this.setWorkers(workers);
    const names = new Map(instances.map((instance) => [instance.id, instance.name]));
    this.setBacklog(backlog, names, now);
    await this.forgetDeleted(new Set(names.values()));
    return this.registry.metrics();
  }

  private setInstances(instances: { connectionStatus: ConnectionStatus }[]): void {
    for (const state of CONNECTION_STATES) {
      this.instances.set({ state }, instances.filter((instance) => instance.connectionStatus === state).length);
    }
  }

  private setWorkers(workers: Map<string, WorkerState>): void {
    const states = [...workers.values()];
    for (const state of WORKER_STATES) this.workers.set({ state }, states.filter((s) => s === state).length);
  }

  /** Crash counters of instances deleted since: their series end, rather than pile up until a restart. */
  private async forgetDeleted(live: Set<string>): Promise<void> {
    for (const counter of [this.workerCrashes, this.workerRestarts]) {
      for (const { labels } of (await counter.get()).values) {
        const instance = String(labels.instance ?? '');
        if (!live.has(instance)) counter.remove({ instance });
      }
    }
  }

  /**
   * Labelled by instance name: a series per running sink and instance (0 when
   * nothing waits, so graphs do not break off), fine for one box's instances.
   * Server-wide events have instance=""; rows of a deleted instance (its last
   * events) carry its id until they are delivered.
   */
  private setBacklog(backlog: BacklogEntry[], names: Map<string, string>, now: number): void {
    this.outboxPending.reset();
    this.outboxOldestAge.reset();
    for (const instance of names.values()) {
      for (const sink of this.sinks) {
        this.outboxPending.set({ sink, instance }, 0);
        this.outboxOldestAge.set({ sink, instance }, 0);
      }
    }
    const dead = new Map<SinkName, number>(this.sinks.map((sink) => [sink, 0]));
    for (const entry of backlog) {
      if (entry.status === 'dead') {
        dead.set(entry.sink, (dead.get(entry.sink) ?? 0) + entry.count);
        continue;
      }
      const labels = { sink: entry.sink, instance: entry.instanceId === '' ? '' : (names.get(entry.instanceId) ?? entry.instanceId) };
      this.outboxPending.set(labels, entry.count);
      this.outboxOldestAge.set(labels, Math.max(0, now - entry.oldestAt) / 1000);
    }
    this.deadLetters.reset();
    for (const [sink, count] of dead) this.deadLetters.set({ sink }, count);
  }
}
