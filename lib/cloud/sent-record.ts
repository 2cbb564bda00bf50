// A message a Cloud number sent, as the API, the store and send.message show
// it: the same record a Baileys send gives, its content spelled in WhatsApp's
// message fields (conversation, imageMessage...), its key id Meta's wamid.
import type { MessageRecord, SendOptions } from '../messages/types.js';
import { vcard } from '../messages/vcard.js';
import type { CloudContent } from './message-body.js';
import type { TemplateSend } from './types.js';

type Json = Record<string, unknown>;

function mediaJson(content: Extract<CloudContent, { type: 'media' | 'voice' | 'sticker' }>): [string, Json] {
  const link = content.link ? { url: content.link } : {};
  if (content.type === 'voice') return ['audioMessage', { mimetype: content.mimetype, ptt: true, ...link }];
  if (content.type === 'sticker') return ['stickerMessage', { mimetype: content.mimetype, ...link }];
  const fields: Json = { mimetype: content.mimetype, ...link };
  if (content.caption) fields.caption = content.caption;
  if (content.fileName) fields.fileName = content.fileName;
  return [`${content.mediatype}Message`, fields];
}

/** [messageType, its fields]; texts are a plain `conversation`. */
function contentJson(content: CloudContent): [string, unknown] {
  switch (content.type) {
    case 'text':
      return ['conversation', content.text];
    case 'media':
    case 'voice':
    case 'sticker':
      return mediaJson(content);
    case 'location':
      return ['locationMessage', { degreesLatitude: content.latitude, degreesLongitude: content.longitude, name: content.name, address: content.address }];
    case 'contact': {
      const cards = content.contacts.map((contact) => ({ displayName: contact.fullName, vcard: vcard(contact) }));
      if (cards.length === 1) return ['contactMessage', cards[0]];
      return ['contactsArrayMessage', { displayName: `${cards.length} contacts`, contacts: cards }];
    }
    case 'reaction':
      return ['reactionMessage', { key: content.key, text: content.reaction }];
    case 'list':
      return ['listMessage', { title: content.title, description: content.description, buttonText: content.buttonText, footerText: content.footerText, sections: content.sections }];
    case 'buttons':
      // What the recipient reads, as Evolution keeps it: the text and one line per button.
      return ['conversation', [content.title ?? 'Select', ...content.buttons.map((button) => `▶️ ${button.displayText ?? ''}`)].join('\n')];
  }
}

export interface Sent {
  instanceId: string;
  /** The recipient's WhatsApp id (digits). */
  waId: string;
  /** Meta's id of the message. */
  wamid: string;
  quoted?: SendOptions['quoted'];
}

function record(sent: Sent, messageType: string, fields: unknown): MessageRecord {
  return {
    key: { remoteJid: `${sent.waId}@s.whatsapp.net`, fromMe: true, id: sent.wamid },
    pushName: null,
    status: 'PENDING',
    message: { [messageType]: fields },
    messageType,
    messageTimestamp: Math.floor(Date.now() / 1000),
    instanceId: sent.instanceId,
    source: 'unknown',
    contextInfo: sent.quoted ? { stanzaId: sent.quoted.key.id, participant: sent.quoted.key.participant ?? sent.quoted.key.remoteJid, quotedMessage: sent.quoted.message ?? null } : null,
  };
}

export function sentRecord(sent: Sent, content: CloudContent): MessageRecord {
  const [messageType, fields] = contentJson(content);
  return record(sent, messageType, fields);
}

/** A template shows as its name, as Evolution stores it. */
export function sentTemplateRecord(sent: Sent, request: TemplateSend): MessageRecord {
  return record(sent, 'conversation', `▶️${request.name}◀️`);
}
