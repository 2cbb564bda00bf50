import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { backoffDelay } from '../backoff.js';
import type { Logger } from '../logger.js';
import type { RabbitmqDelivery } from './delivery.js';
import { delivered, errorText, retry, type DeliveryOutcome, type Sink } from './sink.js';

interface Link {
  connection: ChannelModel;
  channel: ConfirmChannel;
  /** Exchanges and queue bindings already declared on this connection. */
  declared: Set<string>;
}


/** Waits between connection attempts while the broker is down. */
const RECONNECT_BACKOFF = { baseMs: 250, maxMs: 30_000, jitter: 0 };
/** Hides credentials of an amqp:// URI for logs. */
function safeUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Publishes to durable topic exchanges with publisher confirms: a row is
 * delivered only once the broker confirmed it. Publishes go one at a time, so
 * that after a lost connection at most the last message can arrive twice, and
 * never behind a later one. A broken connection is reopened on demand, no
 * more often than the backoff allows.
 */
export class RabbitmqSink implements Sink<'rabbitmq'> {
  readonly name = 'rabbitmq' as const;
  private link: Link | null = null;
  private connecting: Promise<Link> | null = null;
  private failures = 0;
  private nextConnectAt = 0;

  constructor(
    private readonly uri: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  async deliver(delivery: RabbitmqDelivery, eventId: string): Promise<DeliveryOutcome> {
    let link: Link;
    try {
      link = await this.linkUp();
    } catch (error) {
      return retry(`RabbitMQ unavailable at ${safeUri(this.uri)}: ${errorText(error)}`);
    }
    try {
      await this.declare(link, delivery);
      await this.publish(link.channel, delivery, eventId);
      return delivered();
    } catch (error) {
      this.drop(link);
      return retry(`RabbitMQ publish failed: ${errorText(error)}`);
    }
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = null;
    await link?.connection.close().catch(() => undefined);
  }

  private async linkUp(): Promise<Link> {
    if (this.link) return this.link;
    if (this.connecting) return this.connecting;
    if (Date.now() < this.nextConnectAt) throw new Error('waiting before reconnecting');
    this.connecting = this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<Link> {
    try {
      const connection = await amqp.connect(this.uri, { timeout: this.timeoutMs });
      const channel = await connection.createConfirmChannel();
      const link: Link = { connection, channel, declared: new Set() };
      // Either one closing means the link is gone; the next delivery reconnects.
      connection.on('error', (error: Error) => this.logger.warn({ err: error }, 'RabbitMQ connection error'));
      connection.on('close', () => this.drop(link));
      channel.on('error', (error: Error) => this.logger.warn({ err: error }, 'RabbitMQ channel error'));
      channel.on('close', () => this.drop(link));
      this.link = link;
      this.failures = 0;
      this.logger.info({ uri: safeUri(this.uri) }, 'RabbitMQ connected');
      return link;
    } catch (error) {
      this.failures += 1;
      this.nextConnectAt = Date.now() + backoffDelay(this.failures, RECONNECT_BACKOFF);
      throw error;
    }
  }

  private drop(link: Link): void {
    if (this.link !== link) return;
    this.link = null;
    link.connection.close().catch(() => undefined);
  }

  private async declare(link: Link, delivery: RabbitmqDelivery): Promise<void> {
    if (!link.declared.has(`x:${delivery.exchange}`)) {
      await link.channel.assertExchange(delivery.exchange, 'topic', { durable: true, autoDelete: false });
      link.declared.add(`x:${delivery.exchange}`);
    }
    if (delivery.queue && !link.declared.has(`q:${delivery.queue}`)) {
      // A durable queue per event keeps messages until a consumer reads them.
      await link.channel.assertQueue(delivery.queue, { durable: true, autoDelete: false });
      await link.channel.bindQueue(delivery.queue, delivery.exchange, delivery.routingKey);
      link.declared.add(`q:${delivery.queue}`);
    }
  }

  private publish(channel: ConfirmChannel, delivery: RabbitmqDelivery, eventId: string): Promise<void> {
    const body = Buffer.from(JSON.stringify(delivery.envelope));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no confirm within ${this.timeoutMs} ms`)), this.timeoutMs);
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
    });
  }
}
