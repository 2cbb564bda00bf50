// Meta's inbound messages (the `messages` of a `messages` change) in the shape a
// Baileys instance gives the same message: the key, the proto content as JSON
// (conversation, imageMessage, locationMessage ...), its type and timestamp.
// Pure: the caller stores and emits.
import type { MessageRecord } from '../messages/types.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const digits = (value: string) => value.replace(/\D/g, '');
/** Meta names WhatsApp users by their number (wa_id); Baileys by the user jid. */
export const userJid = (waId: string) => `${digits(waId)}@s.whatsapp.net`;

/** Drops the keys whose value is undefined, as proto JSON leaves unset fields out. */
function compact(object: Json): Json {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/** A received message as events and the store take it, with the Meta media it names. */
export interface InboundMessage {
  record: MessageRecord;
  /** Meta's id of the attached file, for media messages: GET /{media-id} gives its URL. */
  mediaId?: string;
}

/** The proto content of one message, and its type as Baileys' getContentType names it. */
interface Content {
  type: string;
  message: Json;
}

const MEDIA_TYPES: Record<string, string> = {
  image: 'imageMessage',
  video: 'videoMessage',
  audio: 'audioMessage',
  document: 'documentMessage',
  sticker: 'stickerMessage',
};

/** Baileys' ContextInfo of a reply: the quoted message's id and its author. */
function contextInfoOf(message: Json): Json | undefined {
  const context = message.context;
  if (!isObject(context)) return undefined;
  const info = compact({
    stanzaId: text(context.id),
    participant: text(context.from) ? userJid(String(context.from)) : undefined,
    isForwarded: context.forwarded === true || context.frequently_forwarded === true ? true : undefined,
  });
  return Object.keys(info).length > 0 ? info : undefined;
}

/**
 * The media fields Baileys shows (mimetype, caption, fileSha256, fileName,
 * ptt ...) plus Meta's media `id`, which is what fetches the bytes later
 * (Evolution keeps it under the same name).
 */
function mediaContent(kind: string, media: Json, contextInfo: Json | undefined): Content {
  const type = MEDIA_TYPES[kind];
  const fileName = kind === 'document' ? text(media.filename) : undefined;
  const inner = compact({
    id: text(media.id),
    mimetype: text(media.mime_type),
    fileSha256: text(media.sha256),
    caption: text(media.caption),
    fileName,
    title: fileName,
    ptt: kind === 'audio' ? media.voice === true : undefined,
    isAnimated: kind === 'sticker' ? media.animated === true : undefined,
    contextInfo,
  });
  return { type, message: { [type]: inner } };
}

function vcardOf(contact: Json): { displayName: string; vcard: string } {
  const name = isObject(contact.name) ? contact.name : {};
  const displayName = text(name.formatted_name) ?? [text(name.first_name), text(name.last_name)].filter(Boolean).join(' ');
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `N:${text(name.last_name) ?? ''};${text(name.first_name) ?? displayName};;;`, `FN:${displayName}`];
  if (isObject(contact.org) && text(contact.org.company)) lines.push(`ORG:${String(contact.org.company)};`);
  const phones = Array.isArray(contact.phones) ? contact.phones.filter(isObject) : [];
  phones.forEach((phone, index) => {
    const number = text(phone.phone) ?? text(phone.wa_id) ?? '';
    const waid = text(phone.wa_id);
    lines.push(`item${index + 1}.TEL${waid ? `;waid=${digits(waid)}` : ''}:${number}`);
  });
  const emails = Array.isArray(contact.emails) ? contact.emails.filter(isObject) : [];
  for (const email of emails) if (text(email.email)) lines.push(`EMAIL:${String(email.email)}`);
  const urls = Array.isArray(contact.urls) ? contact.urls.filter(isObject) : [];
  for (const url of urls) if (text(url.url)) lines.push(`URL:${String(url.url)}`);
  lines.push('END:VCARD');
  return { displayName, vcard: lines.join('\n') };
}

function contactsContent(contacts: unknown[], contextInfo: Json | undefined): Content {
  const cards = contacts.filter(isObject).map(vcardOf);
  if (cards.length === 1) return { type: 'contactMessage', message: { contactMessage: compact({ ...cards[0], contextInfo }) } };
  return {
    type: 'contactsArrayMessage',
    message: { contactsArrayMessage: compact({ displayName: `${cards.length} contacts`, contacts: cards, contextInfo }) },
  };
}

function interactiveContent(interactive: Json, contextInfo: Json | undefined): Content | null {
  const button = interactive.button_reply;
  if (interactive.type === 'button_reply' && isObject(button)) {
    return {
      type: 'buttonsResponseMessage',
      message: {
        buttonsResponseMessage: compact({ selectedButtonId: text(button.id), selectedDisplayText: text(button.title), type: 'DISPLAY_TEXT', contextInfo }),
      },
    };
  }
  const row = interactive.list_reply;
  if (interactive.type === 'list_reply' && isObject(row)) {
    return {
      type: 'listResponseMessage',
      message: {
        listResponseMessage: compact({
          title: text(row.title),
          description: text(row.description),
          listType: 'SINGLE_SELECT',
          singleSelectReply: { selectedRowId: text(row.id) },
          contextInfo,
        }),
      },
    };
  }
  return null;
}

/** The proto content of a Meta message; null for kinds a Baileys instance has no form for. */
export function contentOf(message: Json, remoteJid: string): Content | null {
  const kind = text(message.type) ?? '';
  const contextInfo = contextInfoOf(message);
  const body = message[kind];
  if (kind in MEDIA_TYPES && isObject(body)) return mediaContent(kind, body, contextInfo);
  switch (kind) {
    case 'text': {
      const said = isObject(body) ? (text(body.body) ?? '') : '';
      // Baileys shows a plain text as `conversation`; a reply carries its context in an extendedTextMessage.
      if (!contextInfo) return { type: 'conversation', message: { conversation: said } };
      return { type: 'extendedTextMessage', message: { extendedTextMessage: { text: said, contextInfo } } };
    }
    case 'location': {
      if (!isObject(body)) return null;
      const location = compact({
        degreesLatitude: typeof body.latitude === 'number' ? body.latitude : Number(body.latitude),
        degreesLongitude: typeof body.longitude === 'number' ? body.longitude : Number(body.longitude),
        name: text(body.name),
        address: text(body.address),
        url: text(body.url),
        contextInfo,
      });
      return { type: 'locationMessage', message: { locationMessage: location } };
    }
    case 'contacts':
      return Array.isArray(body) ? contactsContent(body, contextInfo) : null;
    case 'interactive':
      return isObject(body) ? interactiveContent(body, contextInfo) : null;
    case 'button': {
      // A quick-reply button of a template: Baileys' templateButtonReplyMessage.
      if (!isObject(body)) return null;
      const reply = compact({ selectedId: text(body.payload), selectedDisplayText: text(body.text), contextInfo });
      return { type: 'templateButtonReplyMessage', message: { templateButtonReplyMessage: reply } };
    }
    case 'reaction': {
      if (!isObject(body)) return null;
      // Users react to what the business sent them: the reacted message is taken as ours.
      const reaction = {
        key: { remoteJid, fromMe: true, id: text(body.message_id) ?? '' },
        // An empty emoji takes the reaction back, as in Baileys.
        text: typeof body.emoji === 'string' ? body.emoji : '',
        senderTimestampMs: Number(message.timestamp ?? 0) * 1000,
      };
      return { type: 'reactionMessage', message: { reactionMessage: reaction } };
    }
    default:
      return null;
  }
}

/** The profile name WhatsApp shows for a sender, from the change's contacts. */
function pushNameOf(value: Json, from: string): string | null {
  const contacts = Array.isArray(value.contacts) ? value.contacts.filter(isObject) : [];
  const contact = contacts.find((c) => text(c.wa_id) === from) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const profile = contact && isObject(contact.profile) ? contact.profile : undefined;
  return text(profile?.name) ?? null;
}

/** Each received message of a `messages` change that has a Baileys form, in Meta's order. */
export function inboundMessages(value: Json, instanceId: string): InboundMessage[] {
  const messages = Array.isArray(value.messages) ? value.messages.filter(isObject) : [];
  const found: InboundMessage[] = [];
  for (const message of messages) {
    const from = text(message.from);
    const id = text(message.id);
    if (!from || !id) continue;
    const remoteJid = userJid(from);
    const content = contentOf(message, remoteJid);
    if (!content) continue;
    const inner = content.message[content.type];
    const contextInfo = isObject(inner) && isObject(inner.contextInfo) ? inner.contextInfo : null;
    const record: MessageRecord = {
      key: { remoteJid, fromMe: false, id },
      pushName: pushNameOf(value, from),
      // It reached the business number: delivered, as Baileys reports received messages.
      status: 'DELIVERY_ACK',
      message: content.message,
      messageType: content.type,
      messageTimestamp: Number(message.timestamp ?? 0) || Math.floor(Date.now() / 1000),
      instanceId,
      source: 'unknown',
      contextInfo,
    };
    const media = MEDIA_TYPES[String(message.type)] ? message[String(message.type)] : undefined;
    found.push({ record, ...(isObject(media) && text(media.id) ? { mediaId: String(media.id) } : {}) });
  }
  return found;
}

/** Kinds of received messages that were left out, for the log. */
export function unmappedKinds(value: Json): string[] {
  const messages = Array.isArray(value.messages) ? value.messages.filter(isObject) : [];
  return messages.filter((m) => contentOf(m, '') === null).map((m) => String(m.type));
}
