import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { backoffDelay } from '../backoff.js';
import type { Logger } from '../logger.js';
import type { RabbitmqDelivery } from './delivery.js';
import { delivered, errorText, reject, retry, type DeliveryOutcome, type Sink } from './sink.js';

/** One exchange's own channel: an error the broker raises on it closes it alone. */
interface DestinationChannel {
  exchange: string;
  channel: ConfirmChannel;
  /** Exchanges and queue bindings already declared on this channel. */
  declared: Set<string>;
  /** Why the broker closed the channel, when it did. */
  closedBy: (Error & { code?: unknown }) | null;
  /** Deliveries using the channel now: it is not evicted while in use. */
  inUse: number;
}

interface Link {
  connection: ChannelModel;
  channels: Map<string, Promise<DestinationChannel>>;
}


/** Waits between connection attempts while the broker is down. */
const RECONNECT_BACKOFF = { baseMs: 250, maxMs: 30_000, jitter: 0 };

/** Channels kept open at most; the least recently used idle one is closed beyond that. */
const MAX_CHANNELS = 256;

/**
 * Channel closes the broker answers for a destination it will not take as it
 * is: access refused (403) or a conflicting exchange or queue (406). Retrying
 * cannot help until someone changes the broker, so the row is dead-lettered
 * and can be replayed then.
 */
const REFUSALS = new Set([403, 406]);

/** The broker did not confirm in time: the connection itself may be stuck. */
class ConfirmTimeout extends Error {}

/** Hides credentials of an amqp:// URI for logs. */
function safeUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Publishes to durable topic exchanges with publisher confirms: a row is
 * delivered only once the broker confirmed it. Publishes go one at a time per
 * lane, so that after a lost connection at most the last message can arrive
 * twice, and never behind a later one. Each exchange has its own channel on
 * the shared connection: the broker closes a channel on a refused declare or
 * publish, and that must not stop the other destinations. A broken connection
 * is reopened on demand, no more often than the backoff allows.
 */
export class RabbitmqSink implements Sink<'rabbitmq'> {
  readonly name = 'rabbitmq' as const;
  private link: Link | null = null;
  private connecting: Promise<Link> | null = null;
  private failures = 0;
  private lastError = '';
  private nextConnectAt = 0;

  constructor(
    private readonly uri: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  async deliver(delivery: RabbitmqDelivery, eventId: string): Promise<DeliveryOutcome> {
    let link: Link;
    let destination: DestinationChannel;
    try {
      link = await this.linkUp();
      destination = await this.channelFor(link, delivery.exchange);
    } catch (error) {
      return retry(`RabbitMQ unavailable at ${safeUri(this.uri)}: ${errorText(error)}`);
    }
    destination.inUse += 1;
    try {
      await this.declare(destination, delivery);
      await this.publish(destination.channel, delivery, eventId);
      return delivered();
    } catch (error) {
      return this.failed(link, destination, delivery, error);
    } finally {
      destination.inUse -= 1;
    }
  }

  /** The connection is up, or is opened now (no sooner than the reconnect backoff allows). */
  async probe(): Promise<void> {
    await this.linkUp();
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.connection.close().catch(() => undefined);
  }

  /**
   * A failure takes only its destination's channel down: the next delivery
   * opens a new one. Only a missing confirm, which may be a stuck connection,
   * reopens the connection (a closed connection is reopened anyway).
   */
  private failed(link: Link, destination: DestinationChannel, delivery: RabbitmqDelivery, error: unknown): DeliveryOutcome {
    const cause = destination.closedBy;
    if (error instanceof ConfirmTimeout) this.drop(link);
    else this.discard(link, destination);
    if (!cause) return retry(`RabbitMQ publish failed: ${errorText(error)}`);
    const text = `RabbitMQ closed the channel of exchange "${delivery.exchange}": ${errorText(cause)}`;
    return typeof cause.code === 'number' && REFUSALS.has(cause.code) ? reject(text) : retry(text);
  }

  private async linkUp(): Promise<Link> {
    if (this.link) return this.link;
    if (this.connecting) return this.connecting;
    if (Date.now() < this.nextConnectAt) throw new Error(`waiting before reconnecting (last attempt: ${this.lastError})`);
    this.connecting = this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<Link> {
    try {
      const connection = await amqp.connect(this.uri, { timeout: this.timeoutMs });
      const link: Link = { connection, channels: new Map() };
      // The connection closing means the link is gone; the next delivery reconnects.
      connection.on('error', (error: Error) => this.logger.warn({ err: error }, 'RabbitMQ connection error'));
      connection.on('close', () => this.drop(link));
      this.link = link;
      this.failures = 0;
      this.logger.info({ uri: safeUri(this.uri) }, 'RabbitMQ connected');
      return link;
    } catch (error) {
      this.failures += 1;
      this.lastError = errorText(error);
      this.nextConnectAt = Date.now() + backoffDelay(this.failures, RECONNECT_BACKOFF);
      throw error;
    }
  }

  private drop(link: Link): void {
    if (this.link !== link) return;
    this.link = null;
    link.connection.close().catch(() => undefined);
  }

  private channelFor(link: Link, exchange: string): Promise<DestinationChannel> {
    const open = link.channels.get(exchange);
    if (open) {
      // Most recently used last, so eviction takes the front.
      link.channels.delete(exchange);
      link.channels.set(exchange, open);
      return open;
    }
    const opening = this.openChannel(link, exchange);
    link.channels.set(exchange, opening);
    opening.catch(() => {
      if (link.channels.get(exchange) === opening) link.channels.delete(exchange);
    });
    void this.evictIdle(link);
    return opening;
  }

  private async openChannel(link: Link, exchange: string): Promise<DestinationChannel> {
    const channel = await link.connection.createConfirmChannel();
    const destination: DestinationChannel = { exchange, channel, declared: new Set(), closedBy: null, inUse: 0 };
    channel.on('error', (error: Error) => {
      destination.closedBy = error;
      this.logger.warn({ err: error, exchange }, 'RabbitMQ closed a destination channel');
    });
    channel.on('close', () => this.forgetChannel(link, destination));
    return destination;
  }

  private forgetChannel(link: Link, destination: DestinationChannel): void {
    const current = link.channels.get(destination.exchange);
    if (!current) return;
    void current.then((entry) => {
      if (entry === destination && link.channels.get(destination.exchange) === current) link.channels.delete(destination.exchange);
    }, () => undefined);
  }

  private discard(link: Link, destination: DestinationChannel): void {
    this.forgetChannel(link, destination);
    destination.channel.close().catch(() => undefined);
  }

  private async evictIdle(link: Link): Promise<void> {
    if (link.channels.size <= MAX_CHANNELS) return;
    for (const [exchange, pending] of link.channels) {
      if (link.channels.size <= MAX_CHANNELS) return;
      const destination = await pending.catch(() => null);
      if (!destination || destination.inUse > 0 || link.channels.get(exchange) !== pending) continue;
      this.discard(link, destination);
      link.channels.delete(exchange);
    }
  }

  private async declare(destination: DestinationChannel, delivery: RabbitmqDelivery): Promise<void> {
    const { channel, declared } = destination;
    if (!declared.has(`x:${delivery.exchange}`)) {
      await channel.assertExchange(delivery.exchange, 'topic', { durable: true, autoDelete: false });
      declared.add(`x:${delivery.exchange}`);
    }
    if (delivery.queue && !declared.has(`q:${delivery.queue}`)) {
      // A durable queue per event keeps messages until a consumer reads them.
      await channel.assertQueue(delivery.queue, { durable: true, autoDelete: false });
      await channel.bindQueue(delivery.queue, delivery.exchange, delivery.routingKey);
      declared.add(`q:${delivery.queue}`);
    }
  }

  private publish(channel: ConfirmChannel, delivery: RabbitmqDelivery, eventId: string): Promise<void> {
    const body = Buffer.from(JSON.stringify(delivery.envelope));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ConfirmTimeout(`no confirm within ${this.timeoutMs} ms`)), this.timeoutMs);
      try {
        channel.publish(
          delivery.exchange,
          delivery.routingKey,
          body,
          { persistent: true, messageId: eventId, contentType: 'application/json', timestamp: Math.floor(Date.now() / 1000) },
          (error: unknown) => {
            clearTimeout(timer);
            if (error) reject(error instanceof Error ? error : new Error('message nacked by the broker'));
            else resolve();
          },
        );
      } catch (error) {
        // A channel closed under the publish throws at once.
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}
