import type { AnyMessageContent, WAMessage, WAUrlInfo } from '@whiskeysockets/baileys';
import type { ContactCard, SendContent, SendOptions } from '../lib/messages/types.js';

/** What the worker works out for a send before building it. */
export interface ContentExtras {
  /** Jids the message mentions (lib/messages/mentions.ts). */
  mentions?: string[];
  /** A text's link preview; null sends it without one. */
  linkPreview?: WAUrlInfo | null;
}

function vcard(contact: ContactCard): string {
  const digits = contact.phoneNumber.replace(/\D/g, '');
  const wuid = contact.wuid?.replace(/\D/g, '') || digits;
  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${contact.fullName}`,
    ...(contact.organization ? [`ORG:${contact.organization};`] : []),
    ...(contact.email ? [`EMAIL:${contact.email}`] : []),
    ...(contact.url ? [`URL:${contact.url}`] : []),
    `TEL;type=CELL;type=VOICE;waid=${wuid}:${contact.phoneNumber}`,
    'END:VCARD',
  ];
  return lines.join('\n');
}

/** The Baileys content object for a send request. */
export function baileysContent(content: SendContent, extras: ContentExtras = {}): AnyMessageContent {
  const { mentions } = extras;
  switch (content.type) {
    case 'text':
      return { text: content.text, linkPreview: extras.linkPreview ?? null, ...(mentions ? { mentions } : {}) };
    case 'media': {
      const bytes = Buffer.from(content.data);
      const caption = content.caption;
      if (content.mediatype === 'image') return { image: bytes, caption, mimetype: content.mimetype, ...(mentions ? { mentions } : {}) };
      if (content.mediatype === 'video') return { video: bytes, caption, mimetype: content.mimetype, ...(mentions ? { mentions } : {}) };
      if (content.mediatype === 'audio') return { audio: bytes, mimetype: content.mimetype };
      return { document: bytes, mimetype: content.mimetype, fileName: content.fileName ?? 'file', caption };
    }
    case 'voice':
      return { audio: Buffer.from(content.data), mimetype: content.mimetype, ptt: true };
    case 'sticker':
      return { sticker: Buffer.from(content.data), mimetype: content.mimetype };
    case 'location':
      return {
        location: {
          degreesLatitude: content.latitude,
          degreesLongitude: content.longitude,
          ...(content.name ? { name: content.name } : {}),
          ...(content.address ? { address: content.address } : {}),
        },
      };
    case 'contact':
      return {
        contacts: {
          displayName: content.contacts.length === 1 ? content.contacts[0].fullName : `${content.contacts.length} contacts`,
          contacts: content.contacts.map((contact) => ({ displayName: contact.fullName, vcard: vcard(contact) })),
        },
      };
    case 'reaction':
      return { react: { text: content.reaction, key: content.key } };
    case 'poll':
      return { poll: { name: content.name, values: content.values, selectableCount: content.selectableCount } };
  }
}

/** The quoted message in the form Baileys' `quoted` option takes. */
export function quotedMessage(options: SendOptions): WAMessage | undefined {
  if (!options.quoted) return undefined;
  return { key: options.quoted.key, message: options.quoted.message ?? { conversation: '' } } as WAMessage;
}
