// What a WhatsApp message becomes in Chatwoot: markdown text and, for media,
// the file itself. Location and contact cards are written out as text.
import type { MessageRecord } from '../messages/types.js';
import type { FileUpload } from './client.js';
import { whatsappToMarkdown } from './markdown.js';

export interface ChatwootContent { text: string; file: FileUpload | null }

type Json = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : '');
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

const MEDIA: Record<string, { fallbackType: string; extension: string }> = {
  imageMessage: { fallbackType: 'image/jpeg', extension: 'jpg' },
  videoMessage: { fallbackType: 'video/mp4', extension: 'mp4' },
  audioMessage: { fallbackType: 'audio/ogg', extension: 'ogg' },
  documentMessage: { fallbackType: 'application/octet-stream', extension: 'bin' },
  stickerMessage: { fallbackType: 'image/webp', extension: 'webp' },
};

/** The message inside wrappers WhatsApp puts around it. */
function unwrap(message: Json): Json {
  for (const wrapper of ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'documentWithCaptionMessage']) {
    const inner = obj(obj(message[wrapper]).message);
    if (Object.keys(inner).length > 0) return { ...inner, base64: message.base64 };
  }
  return message;
}

function location(body: Json): string {
  const latitude = body.degreesLatitude;
  const longitude = body.degreesLongitude;
  return [
    '*Location:*',
    '',
    `_Latitude:_ ${String(latitude)}`,
    `_Longitude:_ ${String(longitude)}`,
    ...(str(body.name) ? [`_Name:_ ${str(body.name)}`] : []),
    ...(str(body.address) ? [`_Address:_ ${str(body.address)}`] : []),
    `_URL:_ https://www.google.com/maps/search/?api=1&query=${String(latitude)},${String(longitude)}`,
  ].join('\n');
}

function contactCard(displayName: string, vcard: string): string {
  const numbers = vcard
    .split('\n')
    .filter((line) => line.includes('TEL'))
    .map((line) => line.slice(line.lastIndexOf(':') + 1).trim())
    .filter(Boolean);
  const name = displayName || vcard.match(/^FN:(.*)$/m)?.[1]?.trim() || '';
  return ['*Contact:*', '', `_Name:_ ${name}`, ...numbers.map((n, i) => `_Number (${i + 1}):_ ${n}`)].join('\n');
}

/** The text WhatsApp shows for the message, before markdown; '' when it has none. */
function plainText(message: Json, type: string): string {
  const body = obj(message[type]);
  switch (type) {
    case 'conversation':
      return str(message.conversation);
    case 'extendedTextMessage':
      return str(body.text);
    case 'locationMessage':
    case 'liveLocationMessage':
      return location(body);
    case 'contactMessage':
      return contactCard(str(body.displayName), str(body.vcard));
    case 'contactsArrayMessage':
      return ((body.contacts ?? []) as Json[]).map((c) => contactCard(str(c.displayName), str(c.vcard))).join('\n\n');
    default:
      return str(body.caption);
  }
}

function contentType(message: Json): string {
  const keys = Object.keys(message).filter((key) => key !== 'base64' && key !== 'messageContextInfo');
  return keys.find((key) => key in MEDIA || key === 'conversation' || key.endsWith('Message')) ?? keys[0] ?? '';
}

/** null when the message has nothing Chatwoot can show (a reaction, a protocol message). */
export function chatwootContent(record: Pick<MessageRecord, 'message' | 'key'>): ChatwootContent | null {
  const message = unwrap(record.message);
  const type = contentType(message);
  const text = whatsappToMarkdown(plainText(message, type));
  const media = MEDIA[type];
  const base64 = str(message.base64);
  if (media && base64) {
    const body = obj(message[type]);
    const mimetype = str(body.mimetype).split(';')[0] || media.fallbackType;
    const filename = str(body.fileName) || `${record.key.id}.${mimetype.split('/')[1] || media.extension}`;
    return { text, file: { bytes: Buffer.from(base64, 'base64'), filename, mimetype } };
  }
  if (!text) return null;
  return { text, file: null };
}

/** `**+55 (11) 9876-5432 - Name:**` before a group member's message, as Evolution writes it. */
export function groupAuthorPrefix(participantDigits: string, pushName: string | null): string {
  const parts = participantDigits.match(/^(\d{2})(\d{2})(\d{4})(\d{4})$/);
  const number = parts ? `+${parts[1]} (${parts[2]}) ${parts[3]}-${parts[4]}` : `+${participantDigits}`;
  return `**${number} - ${pushName ?? participantDigits}:**`;
}
