// Which destinations want an event, and how each is addressed: the rules of
// the contract's Events section (URL suffix, exchange, queue and subject names).
import { botNotice } from '../chatwoot/bot-notices.js';
import type { EventsConfig } from '../config.js';
import type { EventIntegration, EventIntegrationKind } from '../instance-config/event-integration.js';
import type { SinkName } from '../db/outbox.js';
import type { WebhookConfig } from '../instance-config/webhook.js';
import type { ChatwootConfig } from '../instance-config/chatwoot.js';
import { payloadName, type EventName } from '../events/names.js';
import type { EventPayloads } from '../events/payloads.js';
import type { ChatwootDelivery, Delivery, Envelope, EnvelopeOf } from '../sinks/delivery.js';
import { chatJid, importableContacts, importableMessages } from '../chatwoot/history-import.js';
import { editedText } from '../chatwoot/edited-message.js';
import type { MessageRecord } from '../messages/types.js';

/** What the dispatcher knows about the instance an event belongs to. */
export interface InstanceContext {
  /** null for server-wide events (application.startup). */
  id: string | null;
  name: string | null;
  /** The instance's name on RabbitMQ, SQS and NATS; null when it has none (deleted, server-wide). */
  brokerName: string | null;
  token: string | null;
  ownerJid: string | null;
  webhook: WebhookConfig | null;
  integrations: Map<EventIntegrationKind, EventIntegration>;
  /** Set only when Chatwoot is on for the server and for the instance. */
  chatwoot?: ChatwootConfig | null;
  /** CHATWOOT_BOT_CONTACT: the bot contact posts connection news in its conversation. */
  chatwootBot?: boolean;
}

/** The lane of an instance's bot conversation; chat lanes are JIDs, which never look like this. */
export const CHATWOOT_BOT_LANE = 'bot';

export interface Addressed {
  sink: SinkName;
  /** The lane: rows with the same instance and destination are delivered in order. */
  destination: string;
  delivery: Delivery;
}

const wants = (events: readonly EventName[], event: EventName) => events.length === 0 || events.includes(event);

/** `messages.upsert` → `messages-upsert`, the path segment of `byEvents` webhooks. */
export function eventPath(event: EventName): string {
  return payloadName(event).replace(/\./g, '-');
}

/** SQS names allow letters, digits, `-` and `_` only. */
function sqsSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

export function sqsQueueName(prefix: string, event: EventName): string {
  return `${sqsSafe(prefix)}_${event.toLowerCase()}.fifo`;
}

/** RabbitMQ queue `<exchange>.<dotted event>`, bound with the dotted event as routing key. */
export const rabbitmqQueueName = (brokerName: string, event: EventName) => `${brokerName}.${payloadName(event)}`;

/** NATS subject `<broker name>.<dotted event>`. */
export const natsSubject = (brokerName: string, event: EventName) => `${brokerName}.${payloadName(event)}`;

/** How an instance's destinations are named on one broker, as its find route shows them. */
export function brokerDestinations(kind: 'rabbitmq' | 'sqs' | 'nats', brokerName: string) {
  switch (kind) {
    case 'rabbitmq':
      return { exchange: brokerName, queuePrefix: `${brokerName}.` };
    case 'sqs':
      return { queuePrefix: `${brokerName}_`, queueSuffix: '.fifo' };
    case 'nats':
      return { subjectPrefix: `${brokerName}.`, subscription: `${brokerName}.>` };
  }
}

export interface EnvelopeBase {
  serverUrl: string;
  dateTime: string;
}

function envelope<E extends EventName>(
  event: E,
  context: InstanceContext,
  data: EventPayloads[E],
  destination: string,
  base: EnvelopeBase,
): EnvelopeOf<E> {
  return {
    event: payloadName(event) as EnvelopeOf<E>['event'],
    instance: context.name,
    data,
    destination,
    date_time: base.dateTime,
    sender: context.ownerJid,
    server_url: base.serverUrl,
    apikey: context.token,
  };
}

function withoutMediaBytes<E extends EventName>(event: E, data: EventPayloads[E]): EventPayloads[E] {
  if (event !== 'MESSAGES_UPSERT' && event !== 'SEND_MESSAGE') return data;
  const record = data as EventPayloads['MESSAGES_UPSERT'];
  if (typeof record.message !== 'object' || record.message === null || !('base64' in record.message)) return data;
  const { base64: _bytes, ...message } = record.message;
  return { ...record, message } as EventPayloads[E];
}

function enabled(context: InstanceContext, kind: EventIntegrationKind, event: EventName): boolean {
  const integration = context.integrations.get(kind);
  return Boolean(integration?.enabled && wants(integration.events, event));
}

/** Every destination of one event: the instance's own and the server-wide ones. */
export function address<E extends EventName>(
  event: E,
  data: EventPayloads[E],
  context: InstanceContext,
  config: EventsConfig,
  base: EnvelopeBase,
): Addressed[] {
  const out: Addressed[] = [];
  // Broker destinations use the stored broker name, never the raw instance name.
  const broker = context.brokerName;
  // One envelope shape per event name; the union of them all is what deliveries carry.
  // Media bytes are downloaded for Chatwoot too; others get them only when the webhook asks.
  const shown = context.webhook?.base64 ? data : withoutMediaBytes(event, data);
  const make = (destination: string) => envelope(event, context, shown, destination, base) as EnvelopeOf<EventName> as Envelope;

  const hook = context.webhook;
  if (hook?.enabled && hook.url && wants(hook.events, event)) {
    const url = hook.byEvents ? `${hook.url.replace(/\/+$/, '')}/${eventPath(event)}` : hook.url;
    out.push({ sink: 'webhook', destination: url, delivery: { sink: 'webhook', url, headers: hook.headers, secret: hook.secret, envelope: make(url) } });
  }
  const globalHook = config.webhook;
  if (globalHook.globalEnabled && globalHook.globalUrl && wants(globalHook.globalEvents, event)) {
    const url = globalHook.globalByEvents ? `${globalHook.globalUrl.replace(/\/+$/, '')}/${eventPath(event)}` : globalHook.globalUrl;
    out.push({ sink: 'webhook', destination: url, delivery: { sink: 'webhook', url, headers: {}, secret: null, envelope: make(url) } });
  }

  const rabbit = config.rabbitmq;
  if (rabbit.enabled && broker && enabled(context, 'rabbitmq', event)) {
    const queue = rabbitmqQueueName(broker, event);
    out.push({
      sink: 'rabbitmq',
      destination: broker,
      delivery: { sink: 'rabbitmq', exchange: broker, routingKey: payloadName(event), queue, envelope: make(queue) },
    });
  }
  if (rabbit.enabled && rabbit.globalEnabled && wants(rabbit.globalEvents, event)) {
    const queue = payloadName(event);
    out.push({
      sink: 'rabbitmq',
      destination: rabbit.exchangeName,
      delivery: { sink: 'rabbitmq', exchange: rabbit.exchangeName, routingKey: queue, queue, envelope: make(queue) },
    });
  }

  const sqs = config.sqs;
  if (sqs.enabled && broker && enabled(context, 'sqs', event)) {
    const queueName = sqsQueueName(broker, event);
    out.push({ sink: 'sqs', destination: queueName, delivery: { sink: 'sqs', queueName, groupId: broker, envelope: make(queueName) } });
  }
  if (sqs.enabled && sqs.globalEnabled && wants(sqs.globalEvents, event)) {
    const queueName = sqsQueueName(sqs.globalPrefix, event);
    out.push({ sink: 'sqs', destination: queueName, delivery: { sink: 'sqs', queueName, groupId: broker ?? 'server', envelope: make(queueName) } });
  }

  out.push(...chatwootRows(event, data, context, base));
  out.push(...chatwootBotRows(event, data, context));

  const nats = config.nats;
  if (nats.enabled && broker && enabled(context, 'nats', event)) {
    const subject = natsSubject(broker, event);
    out.push({ sink: 'nats', destination: `${broker}.>`, delivery: { sink: 'nats', subject, envelope: make(subject) } });
  }
  if (nats.enabled && nats.globalEnabled && wants(nats.globalEvents, event)) {
    const subject = `${nats.globalPrefix}.${payloadName(event)}`;
    out.push({ sink: 'nats', destination: `${nats.globalPrefix}.>`, delivery: { sink: 'nats', subject, envelope: make(subject) } });
  }
  return out;
}

/**
 * The chat's rows for Chatwoot, one lane per chat (the phone number JID when
 * there is one, so LID and PN addressing share it): a conversation's messages
 * reach Chatwoot in order, synced history included.
 */
function chatwootRows<E extends EventName>(event: E, data: EventPayloads[E], context: InstanceContext, base: EnvelopeBase): Addressed[] {
  const chatwoot = context.chatwoot;
  if (!chatwoot?.enabled || !context.id || !context.name) return [];
  const target = { sink: 'chatwoot' as const, instance: { id: context.id, name: context.name }, chatwoot };
  const row = (destination: string, delivery: ChatwootDelivery): Addressed => ({ sink: 'chatwoot', destination, delivery });
  const messageRow = (message: MessageRecord) => row(chatJid(message.key), { ...target, message });
  const mirroredChat = (jid: string) => jid !== 'status@broadcast' && !chatwoot.ignoreJids.includes(jid);
  switch (event) {
    case 'MESSAGES_UPSERT':
    case 'SEND_MESSAGE': {
      const message = data as EventPayloads['MESSAGES_UPSERT'];
      const jid = chatJid(message.key);
      return jid && jid !== 'status@broadcast' && !chatwoot.ignoreJids.includes(jid) ? [messageRow(message)] : [];
    }
    case 'MESSAGES_SET': {
      if (!chatwoot.importMessages) return [];
      const nowSeconds = Math.floor(Date.parse(base.dateTime) / 1000);
      const options = { daysLimit: chatwoot.daysLimitImportMessages, ignoreJids: chatwoot.ignoreJids, nowSeconds };
      return importableMessages(data as EventPayloads['MESSAGES_SET'], options).map(messageRow);
    }
    case 'MESSAGES_EDITED': {
      const edited = data as EventPayloads['MESSAGES_EDITED'];
      const text = editedText(edited.message);
      if (!edited.keyId || !edited.remoteJid || !mirroredChat(edited.remoteJid) || text === null) return [];
      const edit = { whatsappId: edited.keyId, fromMe: edited.fromMe, text, editedAt: edited.messageTimestamp };
      return [row(edited.remoteJid, { ...target, kind: 'edit', edit })];
    }
    case 'MESSAGES_DELETE':
      return deletedKeys(data as EventPayloads['MESSAGES_DELETE'])
        .filter((key) => mirroredChat(key.remoteJid))
        .map((key) => row(key.remoteJid, { ...target, kind: 'delete', whatsappId: key.id }));
    case 'CONTACTS_SET': {
      if (!chatwoot.importContacts) return [];
      return importableContacts(data as EventPayloads['CONTACTS_SET'], chatwoot.ignoreJids).map((contact) =>
        row(contact.remoteJid, { ...target, kind: 'contact', contact }),
      );
    }
    default:
      return [];
  }
}

/** The messages a deletion names: one revoked message, or the keys of Baileys' own event; none for a whole chat. */
function deletedKeys(deletion: EventPayloads['MESSAGES_DELETE']): { id: string; remoteJid: string }[] {
  if ('keyId' in deletion) return deletion.keyId && deletion.remoteJid ? [{ id: deletion.keyId, remoteJid: deletion.remoteJid }] : [];
  if (!('keys' in deletion)) return [];
  return deletion.keys.flatMap((key) => (key.id && key.remoteJid ? [{ id: key.id, remoteJid: key.remoteJid }] : []));
}

/** The bot contact's notices (QR codes, connection news), on one lane: in the order things happened. */
function chatwootBotRows<E extends EventName>(event: E, data: EventPayloads[E], context: InstanceContext): Addressed[] {
  const chatwoot = context.chatwoot;
  if (!chatwoot?.enabled || !context.chatwootBot || !context.id || !context.name) return [];
  const bot = botNotice(event, data, { instance: context.name, inbox: chatwoot.nameInbox || context.name });
  if (!bot) return [];
  return [{ sink: 'chatwoot', destination: CHATWOOT_BOT_LANE, delivery: { sink: 'chatwoot', instance: { id: context.id, name: context.name }, chatwoot, bot } }];
}
