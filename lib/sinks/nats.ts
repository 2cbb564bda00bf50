import { connect, headers as natsHeaders, type JetStreamManager, type NatsConnection } from 'nats';
import { withTimeout } from '../actor/actor.js';
import type { Logger } from '../logger.js';
import { redactUrlCredentials } from '../url-credentials.js';
import type { NatsDelivery } from './delivery.js';
import { delivered, errorText, retry, type DeliveryOutcome, type Sink } from './sink.js';

interface Link {
  connection: NatsConnection;
  manager: JetStreamManager | null;
  /** False between a disconnect and the client's reconnect. */
  up: boolean;
}

/** How long a subject's "is it in a stream?" answer is trusted. */
const STREAM_LOOKUP_TTL_MS = 30_000;

/**
 * Publishes each envelope on `<instance>.<event>` (or the global prefix).
 * When a JetStream stream captures the subject, the publish waits for the
 * stream's ack and carries the event id as Nats-Msg-Id (JetStream drops
 * duplicates); otherwise it is a core publish confirmed by a flush.
 */
export class NatsSink implements Sink<'nats'> {
  readonly name = 'nats' as const;
  private link: Link | null = null;
  private connecting: Promise<Link> | null = null;
  private readonly streams = new Map<string, { stream: string | null; until: number }>();

  constructor(
    private readonly uri: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  async deliver(delivery: NatsDelivery, eventId: string): Promise<DeliveryOutcome> {
    let link: Link;
    try {
      link = await this.linkUp();
    } catch (error) {
      return retry(`NATS unavailable at ${redactUrlCredentials(this.uri)}: ${errorText(error)}`);
    }
    // While reconnecting the client would buffer the message and send it later,
    // behind whatever is retried meanwhile: refuse now and retry in order instead.
    if (!link.up || link.connection.isClosed()) return retry(`NATS disconnected from ${redactUrlCredentials(this.uri)}`);
    const data = new TextEncoder().encode(JSON.stringify(delivery.envelope));
    const hdrs = natsHeaders();
    hdrs.set('Nats-Msg-Id', eventId);
    hdrs.set('x-event-id', eventId);
    try {
      const stream = await this.streamFor(link, delivery.subject);
      if (stream) {
        await link.connection.jetstream().publish(delivery.subject, data, { msgID: eventId, headers: hdrs, timeout: this.timeoutMs });
      } else {
        link.connection.publish(delivery.subject, data, { headers: hdrs });
        await withTimeout(link.connection.flush(), this.timeoutMs, 'NATS flush');
      }
      return delivered();
    } catch (error) {
      return retry(`NATS publish to ${delivery.subject} failed: ${errorText(error)}`);
    }
  }

  /** Connected now, or connects now; a connection between a disconnect and its reconnect is not. */
  async probe(): Promise<void> {
    const link = await this.linkUp();
    if (!link.up || link.connection.isClosed()) throw new Error(`disconnected from ${redactUrlCredentials(this.uri)}`);
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.connection.drain().catch(() => undefined);
  }

  private async linkUp(): Promise<Link> {
    if (this.link && !this.link.connection.isClosed()) return this.link;
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<Link> {
    const connection = await connect({
      servers: this.uri,
      timeout: this.timeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    const manager = await connection.jetstreamManager({ timeout: this.timeoutMs }).catch(() => null);
    const link: Link = { connection, manager, up: true };
    this.link = link;
    this.streams.clear();
    void this.watch(link);
    this.logger.info({ uri: redactUrlCredentials(this.uri), jetstream: manager !== null }, 'NATS connected');
    return link;
  }

  private async watch(link: Link): Promise<void> {
    for await (const status of link.connection.status()) {
      if (status.type === 'disconnect') link.up = false;
      if (status.type === 'reconnect') {
        link.up = true;
        this.streams.clear();
      }
    }
  }

  private async streamFor(link: Link, subject: string): Promise<string | null> {
    if (!link.manager) return null;
    const cached = this.streams.get(subject);
    if (cached && cached.until > Date.now()) return cached.stream;
    const stream = await link.manager.streams.find(subject).catch(() => null);
    this.streams.set(subject, { stream, until: Date.now() + STREAM_LOOKUP_TTL_MS });
    return stream;
  }
}
