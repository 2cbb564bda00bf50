import type { OutboxRepository, SinkName } from '../db/outbox.js';
import type { BrokerCheck } from '../sinks/sink-supervisor.js';
import type { ConnectionDeps } from '../instances/connection.js';
import type { MediaSource, PreparedMedia } from '../../workers/cpu.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Auth } from './auth.js';

/** What route modules receive: the instance lifecycle's dependencies plus auth and the outbox. */
export interface RouteDeps extends ConnectionDeps {
  auth: Auth;
  version: string;
  outbox: OutboxRepository;
  sinks: { wake(names: SinkName[]): void; brokers(timeoutMs: number): Promise<BrokerCheck[]> };
  /** Runs in the CPU pool: downloads or decodes media to send. */
  prepareMedia(source: MediaSource): Promise<PreparedMedia>;
  /** Null unless METRICS_ENABLED: then GET /metrics is not mounted and requests are not timed. */
  metrics: GatewayMetrics | null;
}
