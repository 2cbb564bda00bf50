import type { EventsConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { NatsSink } from './nats.js';
import { RabbitmqSink } from './rabbitmq.js';
import type { Sink } from './sink.js';
import { SqsSink } from './sqs.js';
import { WebhookSink } from './webhook.js';

/** The sinks this server runs: webhooks always, each broker when its *_ENABLED is set. */
export function enabledSinks(config: EventsConfig, logger: Logger): Sink[] {
  const sinks: Sink[] = [new WebhookSink(config.webhook.timeoutMs)];
  if (config.rabbitmq.enabled) sinks.push(new RabbitmqSink(config.rabbitmq.uri, logger.child({ sink: 'rabbitmq' })));
  if (config.sqs.enabled) sinks.push(new SqsSink(config.sqs));
  if (config.nats.enabled) sinks.push(new NatsSink(config.nats.uri, logger.child({ sink: 'nats' })));
  return sinks;
}
