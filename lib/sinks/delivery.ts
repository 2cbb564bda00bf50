// What an outbox row carries for its sink: the envelope users receive and the
// addressing each destination needs, fixed when the event is committed.
import type { BotNotice } from '../chatwoot/bot-notices.js';
import type { SinkName } from '../db/outbox.js';
import type { EVENT_NAMES, EventName } from '../events/names.js';
import type { EventPayloads } from '../events/payloads.js';
import type { ChatwootConfig } from '../instance-config/chatwoot.js';
import type { MessageRecord } from '../messages/types.js';

/** The body of every webhook call and broker message, as the contract defines it, for an event of name E. */
export interface EnvelopeOf<E extends EventName> {
  event: (typeof EVENT_NAMES)[E];
  instance: string | null;
  data: EventPayloads[E];
  destination: string;
  date_time: string;
  sender: string | null;
  server_url: string;
  apikey: string | null;
}

export type Envelope = { [E in EventName]: EnvelopeOf<E> }[EventName];

export interface WebhookDelivery {
  sink: 'webhook';
  url: string;
  headers: Record<string, string>;
  /** HMAC-SHA256 key for the signature header, when the instance set one. */
  secret: string | null;
  envelope: Envelope;
}

export interface RabbitmqDelivery {
  sink: 'rabbitmq';
  exchange: string;
  routingKey: string;
  /** Per-instance mode also declares and binds a queue per event. */
  queue: string | null;
  envelope: Envelope;
}

export interface SqsDelivery {
  sink: 'sqs';
  queueName: string;
  groupId: string;
  envelope: Envelope;
}

export interface NatsDelivery {
  sink: 'nats';
  subject: string;
  envelope: Envelope;
}

interface ChatwootTarget {
  sink: 'chatwoot';
  instance: { id: string; name: string };
  /** The configuration when the event was committed (account, token, inbox name, options). */
  chatwoot: ChatwootConfig;
}

/**
 * What the instance's Chatwoot inbox receives: a WhatsApp message (live, or
 * synced history with importMessages; rows written before `kind` existed are
 * messages), a synced contact with importContacts, an edit of a mirrored
 * message, or a message its sender deleted for everyone.
 */
export type ChatwootDelivery =
  | (ChatwootTarget & { kind?: 'message'; message: MessageRecord })
  | (ChatwootTarget & { kind: 'contact'; contact: ImportedContact })
  | (ChatwootTarget & { kind: 'edit'; edit: ChatwootEdit })
  | (ChatwootTarget & { kind: 'delete'; whatsappId: string });

/** A message edited on WhatsApp: which one, by whom, its new text and when. */
export interface ChatwootEdit {
  whatsappId: string;
  fromMe: boolean;
  text: string;
  /** Unix seconds of the edit: each edit of a message is its own Chatwoot message. */
  editedAt: number;
}

/** A contact WhatsApp synced to the new device: its phone number JID and the name it goes by. */
export interface ImportedContact {
  remoteJid: string;
  pushName: string | null;
}

/** A notice from the bot contact about the instance's connection, posted in its conversation. */
export interface ChatwootBotDelivery {
  sink: 'chatwoot';
  instance: { id: string; name: string };
  chatwoot: ChatwootConfig;
  bot: BotNotice;
}

export type Delivery = WebhookDelivery | RabbitmqDelivery | SqsDelivery | NatsDelivery | ChatwootDelivery | ChatwootBotDelivery;

export type DeliveryOf<S extends SinkName> = Extract<Delivery, { sink: S }>;
