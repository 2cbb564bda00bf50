import type { SinkName } from '../db/outbox.js';
import type { DeliveryOf } from './delivery.js';

/**
 * How one delivery went. Expected failures (a 500, a broker that is down) are
 * outcomes; a sink throws only for what it did not foresee, and its runner
 * then crashes and is restarted.
 */
export type DeliveryOutcome = { ok: true } | { ok: false; retryable: boolean; error: string };

/** A destination kind: webhook, RabbitMQ, SQS or NATS. */
export interface Sink<S extends SinkName = SinkName> {
  readonly name: S;
  deliver(delivery: DeliveryOf<S>, eventId: string): Promise<DeliveryOutcome>;
  close(): Promise<void>;
  /**
   * Resolves when the sink's broker can be reached now, rejects with why not.
   * Sinks without one broker (webhooks, Chatwoot: a server per instance) have none.
   */
  probe?(): Promise<void>;
}

export const delivered = (): DeliveryOutcome => ({ ok: true });
export const retry = (error: string): DeliveryOutcome => ({ ok: false, retryable: true, error });
export const reject = (error: string): DeliveryOutcome => ({ ok: false, retryable: false, error });

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return code ? `${error.message} (${String(code)})` : error.message;
  }
  return String(error);
}
