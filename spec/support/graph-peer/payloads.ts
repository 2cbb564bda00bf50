// Webhook payloads as Meta's reference and its webhook examples (cloud-api.json,
// examples.webhook) lay them out: one entry per WABA, one `messages` change per event.
import type { PhoneNumber } from './state.js';

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';
export const MEDIA_KINDS: readonly MediaKind[] = ['image', 'video', 'audio', 'document', 'sticker'];

/** Who writes to the business, and what their message answers. */
export interface Sender {
  from: string;
  /** The profile name WhatsApp shows for the user. */
  name?: string;
  /** Unix seconds; now when absent. */
  timestamp?: number;
  /** The business message this one replies to (or whose button it presses). */
  context?: { id: string; from?: string };
}

/** A file a user sends: the peer stores the bytes and names them by a media id. */
export interface InboundMedia { type: MediaKind; bytes: Buffer; mimeType: string; caption?: string; filename?: string; voice?: boolean; animated?: boolean }

/** What a WhatsApp user sends to a business number. */
export type InboundMessage = Sender &
  (
    | { type: 'text'; text: string }
    | InboundMedia
    | { type: 'location'; location: { latitude: number; longitude: number; name?: string; address?: string; url?: string } }
    | { type: 'contacts'; contacts: Array<Record<string, unknown>> }
    | { type: 'button_reply'; id: string; title: string }
    | { type: 'list_reply'; id: string; title: string; description?: string }
    | { type: 'button'; payload: string; text: string }
    | { type: 'reaction'; messageId: string; emoji: string }
  );

export const isMedia = (message: InboundMessage): message is Sender & InboundMedia => (MEDIA_KINDS as readonly string[]).includes(message.type);

export type StatusName = 'sent' | 'delivered' | 'read' | 'failed';
export interface StatusError { code: number; title: string; message?: string; details?: string }
export interface StatusUpdate {
  id: string;
  status: StatusName;
  recipient_id: string;
  timestamp?: number;
  errors?: StatusError[];
}

const seconds = (at?: number) => String(at ?? Math.floor(Date.now() / 1000));
const digits = (phone: string) => phone.replace(/\D/g, '');

export function metadata(phone: PhoneNumber) {
  return { display_phone_number: digits(phone.display_phone_number), phone_number_id: phone.id };
}

export function envelope(phone: PhoneNumber, field: string, value: Record<string, unknown>) {
  return { object: 'whatsapp_business_account', entry: [{ id: phone.wabaId, changes: [{ value, field }] }] };
}

/** The message object of a `messages` change; `media` is the id and hash of stored bytes. */
export function inboundMessage(phone: PhoneNumber, message: InboundMessage, id: string, media?: { id: string; sha256: string }) {
  const base: Record<string, unknown> = { from: digits(message.from), id, timestamp: seconds(message.timestamp), type: message.type };
  if (message.context) base.context = { from: message.context.from ?? digits(phone.display_phone_number), id: message.context.id };
  switch (message.type) {
    case 'text':
      return { ...base, text: { body: message.text } };
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const object: Record<string, unknown> = {};
      if (message.caption !== undefined && message.type !== 'audio' && message.type !== 'sticker') object.caption = message.caption;
      if (message.type === 'document') object.filename = message.filename ?? 'file';
      object.mime_type = message.mimeType;
      object.sha256 = media?.sha256;
      object.id = media?.id;
      if (message.type === 'audio') object.voice = message.voice ?? false;
      if (message.type === 'sticker') object.animated = message.animated ?? false;
      return { ...base, [message.type]: object };
    }
    case 'location': {
      const { latitude, longitude, name, address, url } = message.location;
      return { ...base, location: { address, latitude, longitude, name, url } };
    }
    case 'contacts':
      return { ...base, contacts: message.contacts };
    case 'button_reply':
      return { ...base, type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: message.id, title: message.title } } };
    case 'list_reply': {
      const reply: Record<string, string> = { id: message.id, title: message.title };
      if (message.description !== undefined) reply.description = message.description;
      return { ...base, type: 'interactive', interactive: { type: 'list_reply', list_reply: reply } };
    }
    case 'button':
      return { ...base, button: { payload: message.payload, text: message.text } };
    case 'reaction':
      return { ...base, reaction: { message_id: message.messageId, emoji: message.emoji } };
  }
}

export function messageValue(phone: PhoneNumber, message: InboundMessage, body: Record<string, unknown>) {
  return {
    messaging_product: 'whatsapp',
    metadata: metadata(phone),
    contacts: [{ profile: { name: message.name ?? '' }, wa_id: digits(message.from) }],
    messages: [body],
  };
}

/** A status; sent and delivered ones carry the conversation and pricing, as Meta's do. */
export function statusValue(phone: PhoneNumber, update: StatusUpdate) {
  const status: Record<string, unknown> = { id: update.id, status: update.status, timestamp: seconds(update.timestamp), recipient_id: digits(update.recipient_id) };
  if (update.status === 'sent' || update.status === 'delivered') {
    status.conversation = { id: `conv-${update.recipient_id}`, origin: { type: 'service' } };
    status.pricing = { billable: true, pricing_model: 'PMP', category: 'service' };
  }
  if (update.errors) {
    status.errors = update.errors.map((e) => ({
      code: e.code,
      title: e.title,
      message: e.message ?? e.title,
      error_data: { details: e.details ?? e.title },
      href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
    }));
  }
  return { messaging_product: 'whatsapp', metadata: metadata(phone), statuses: [status] };
}
