import { proto, type AnyMessageContent, type WAMessage, type WAUrlInfo } from '@whiskeysockets/baileys';
import { randomUUID } from 'node:crypto';
import { buttonsBodyText, nativeFlowButton } from '../lib/messages/buttons.js';
import type { MediaPayload, SendContent, SendOptions } from '../lib/messages/types.js';
import { vcard } from '../lib/messages/vcard.js';
import { CommandError } from './command-error.js';

type ButtonsContent = Extract<SendContent, { type: 'buttons' }>;

/** What the worker works out for a send before building it. */
export interface ContentExtras {
  /** Jids the message mentions (lib/messages/mentions.ts). */
  mentions?: string[];
  /** A text's link preview; null sends it without one. */
  linkPreview?: WAUrlInfo | null;
}

/** The bytes of media to send. A link alone is for Meta to fetch: only a WHATSAPP-BUSINESS send is given one. */
export function mediaBytes(media: MediaPayload): Buffer {
  if (!media.data) throw new CommandError('invalid', 'Media given by a link alone is sent only by WHATSAPP-BUSINESS instances');
  return Buffer.from(media.data);
}

/** The Baileys content object for a send request; buttons are relayed as built by interactiveButtons. */
export function baileysContent(content: Exclude<SendContent, ButtonsContent>, extras: ContentExtras = {}): AnyMessageContent {
  const { mentions } = extras;
  switch (content.type) {
    case 'text':
      return { text: content.text, linkPreview: extras.linkPreview ?? null, ...(mentions ? { mentions } : {}) };
    case 'media': {
      const bytes = mediaBytes(content);
      const caption = content.caption;
      if (content.mediatype === 'image') return { image: bytes, caption, mimetype: content.mimetype, ...(mentions ? { mentions } : {}) };
      if (content.mediatype === 'video') return { video: bytes, caption, mimetype: content.mimetype, ...(mentions ? { mentions } : {}) };
      if (content.mediatype === 'audio') return { audio: bytes, mimetype: content.mimetype };
      return { document: bytes, mimetype: content.mimetype, fileName: content.fileName ?? 'file', caption };
    }
    case 'voice':
      return { audio: mediaBytes(content), mimetype: content.mimetype, ptt: true };
    case 'sticker':
      return { sticker: mediaBytes(content), mimetype: content.mimetype };
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
    case 'ptv':
      return { video: mediaBytes(content), mimetype: content.mimetype, ptv: true };
    case 'list':
      // Baileys has no list content of its own: Evolution sends the proto as our own message forwarded.
      return {
        forward: {
          key: { fromMe: true },
          message: {
            listMessage: {
              title: content.title,
              description: content.description,
              buttonText: content.buttonText,
              footerText: content.footerText,
              sections: content.sections,
              // Evolution sends 2, PRODUCT_LIST, and reads it back as SINGLE_SELECT: kept for its clients.
              listType: proto.Message.ListMessage.ListType.PRODUCT_LIST,
            },
          },
        },
        ...(mentions ? { mentions } : {}),
      };
  }
}

/**
 * Evolution's buttons: an interactive message with native flow buttons, in a
 * view-once wrapper. A PIX button goes alone, without body, footer or header.
 */
export function interactiveButtons(content: ButtonsContent, header?: proto.IMessage['imageMessage']): proto.IMessage {
  const messageParamsJson = JSON.stringify({ from: 'api', templateId: randomUUID() });
  const referenceId = randomUUID().replace(/-/g, '').slice(0, 11).toUpperCase();
  const nativeFlowMessage = { buttons: content.buttons.map((button) => nativeFlowButton(button, referenceId)), messageParamsJson };
  const pix = content.buttons.some((button) => button.type === 'pix');
  const interactiveMessage: proto.Message.IInteractiveMessage = pix
    ? { nativeFlowMessage }
    : {
        body: { text: buttonsBodyText(content.title, content.description) },
        ...(content.footer ? { footer: { text: content.footer } } : {}),
        ...(header ? { header: { hasMediaAttachment: true, imageMessage: header } } : {}),
        nativeFlowMessage,
      };
  return { viewOnceMessage: { message: { interactiveMessage } } };
}

/** The quoted message in the form Baileys' `quoted` option takes. */
export function quotedMessage(options: SendOptions): WAMessage | undefined {
  if (!options.quoted) return undefined;
  return { key: options.quoted.key, message: options.quoted.message ?? { conversation: '' } } as WAMessage;
}
