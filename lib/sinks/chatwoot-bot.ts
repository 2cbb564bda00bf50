// Delivers the bot contact's notices from the outbox into its conversation.
// The source id carries the event id, so a retry after a lost answer finds
// the message it already made rather than posting it twice.
import { postToBotConversation } from '../chatwoot/bot-conversation.js';
import type { Logger } from '../logger.js';
import type { ChatwootBotDelivery } from './delivery.js';
import type { ChatwootSinkDeps } from './enabled-sinks.js';
import { delivered, reject, retry, type DeliveryOutcome } from './sink.js';

export const botSourceId = (eventId: string) => `bot:${eventId}`;

export async function deliverBotNotice(deps: ChatwootSinkDeps, logger: Logger, delivery: ChatwootBotDelivery, eventId: string): Promise<DeliveryOutcome> {
  const { instance, chatwoot, bot } = delivery;
  const file = bot.image ? { bytes: Buffer.from(bot.image.base64, 'base64'), filename: bot.image.filename, mimetype: 'image/png' } : undefined;
  const posted = await postToBotConversation(
    { links: deps.repos.chatwootLinks, serverUrl: deps.config.server.url, timeoutMs: deps.config.chatwoot.timeoutMs },
    instance,
    chatwoot,
    { content: bot.content, sourceId: botSourceId(eventId), ...(file ? { file } : {}) },
  );
  if (!posted.ok) return posted.retryable ? retry(posted.error) : reject(posted.error);
  logger.debug({ instance: instance.name, messageId: posted.value.id }, 'bot notice posted to chatwoot');
  return delivered();
}
