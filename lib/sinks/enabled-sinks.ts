import type { ChatwootServerConfig, EventsConfig } from '../config.js';
import type { ProfilePictureLookup } from '../chatwoot/profile-picture.js';
import type { ChatwootLinkRepository } from '../db/chatwoot-links.js';
import { ChatwootSink } from './chatwoot.js';
import type { Logger } from '../logger.js';
import { NatsSink } from './nats.js';
import { RabbitmqSink } from './rabbitmq.js';
import type { Sink } from './sink.js';
import { SqsSink } from './sqs.js';
import { WebhookSink } from './webhook.js';

/** The sinks this server runs: webhooks always, each broker when its *_ENABLED is set. */
export interface ChatwootSinkDeps {
  config: { chatwoot: ChatwootServerConfig; server: { url: string } };
  repos: { chatwootLinks: ChatwootLinkRepository };
  /** The WhatsApp profile picture of a chat, asked of the instance's worker; null on any failure. */
  profilePicture: ProfilePictureLookup;
}

export function enabledSinks(config: EventsConfig, logger: Logger, chatwoot?: ChatwootSinkDeps): Sink[] {
  const sinks: Sink[] = [new WebhookSink(config.webhook.timeoutMs)];
  if (config.rabbitmq.enabled) sinks.push(new RabbitmqSink(config.rabbitmq.uri, logger.child({ sink: 'rabbitmq' })));
  if (config.sqs.enabled) sinks.push(new SqsSink(config.sqs));
  if (config.nats.enabled) sinks.push(new NatsSink(config.nats.uri, logger.child({ sink: 'nats' })));
  if (chatwoot?.config.chatwoot.enabled) sinks.push(new ChatwootSink(chatwoot, logger.child({ sink: 'chatwoot' })));
  return sinks;
}
