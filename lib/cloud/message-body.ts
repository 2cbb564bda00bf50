// A send request as the body of POST /{phone-number-id}/messages, the way
// Meta's Cloud API reference lays each message type out and Evolution maps its
// send routes onto them. Pure: media arrive already uploaded or as a link.
import { invalid } from '../errors.js';
import type { ContactCard, MediaPayload, SendContent, SendOptions } from '../messages/types.js';
import type { TemplateSend } from './types.js';

type Json = Record<string, unknown>;

/** An uploaded media object's id, or a link Meta fetches itself. */
export type MediaRef = { id: string } | { link: string };

/** The contents a Cloud number sends; the others are refused before anything is uploaded. */
export type CloudContent = Exclude<SendContent, { type: 'poll' | 'ptv' }>;
export type MediaContent = Extract<CloudContent, { type: 'media' | 'voice' | 'sticker' }>;

/** Media a Cloud send carries, uploaded first unless it is a link: the message's own, or a buttons message's header image. */
export type Attachment = MediaPayload & { mimetype: string; fileName?: string };

export const notAvailable = (what: string) => invalid(`${what} is not available for WHATSAPP-BUSINESS instances`);

/** The content a Cloud number can send, or the refusal saying what it cannot. */
export function cloudContent(content: SendContent): CloudContent {
  if (content.type === 'poll') throw notAvailable('Sending polls');
  if (content.type === 'ptv') throw notAvailable('Sending video notes (sendPtv)');
  if (content.type === 'buttons' && content.buttons.some((button) => button.type !== 'reply')) {
    throw notAvailable('Buttons other than reply buttons');
  }
  return content;
}

export function isMediaContent(content: CloudContent): content is MediaContent {
  return content.type === 'media' || content.type === 'voice' || content.type === 'sticker';
}

export function attachmentOf(content: CloudContent): Attachment | undefined {
  if (isMediaContent(content)) return content;
  return content.type === 'buttons' ? content.thumbnail : undefined;
}

/** The recipient's WhatsApp id: digits of a number or user jid. Groups have no Cloud API. */
export function waIdOf(number: string): string {
  if (/@g\.us$/.test(number)) throw notAvailable('Sending to groups');
  const digits = number.replace(/@.*$/, '').replace(/\D/g, '');
  if (!digits) throw invalid(`number ${number} is not a phone number`);
  return digits;
}

function envelope(to: string, type: string, options: Pick<SendOptions, 'quoted'>): Json {
  const body: Json = { messaging_product: 'whatsapp', recipient_type: 'individual', to, type };
  if (options.quoted) body.context = { message_id: options.quoted.key.id };
  return body;
}

function contactObject(card: ContactCard): Json {
  const phone: Json = { phone: card.phoneNumber };
  const waId = card.wuid?.replace(/@.*$/, '').replace(/\D/g, '');
  if (waId) phone.wa_id = waId;
  return {
    name: { formatted_name: card.fullName, first_name: card.fullName },
    phones: [phone],
    ...(card.email ? { emails: [{ email: card.email }] } : {}),
    ...(card.url ? { urls: [{ url: card.url }] } : {}),
    ...(card.organization ? { org: { company: card.organization } } : {}),
  };
}

function mediaObject(content: MediaContent, media: MediaRef): Json {
  if (content.type !== 'media') return { ...media };
  const object: Json = { ...media };
  // Meta shows captions under images, videos and documents; audio has none.
  if (content.caption && content.mediatype !== 'audio') object.caption = content.caption;
  if (content.mediatype === 'document' && content.fileName) object.filename = content.fileName;
  return object;
}

function mediaType(content: MediaContent): string {
  if (content.type === 'media') return content.mediatype;
  return content.type === 'voice' ? 'audio' : 'sticker';
}

/** The messages body of `content` to `to`; media ones need `media`, the attachment's reference, as a buttons header does. */
export function messageBody(to: string, content: CloudContent, options: SendOptions, media?: MediaRef): Json {
  switch (content.type) {
    case 'text':
      // Evolution previews a link only when asked to.
      return { ...envelope(to, 'text', options), text: { body: content.text, preview_url: options.linkPreview === true } };
    case 'media':
    case 'voice':
    case 'sticker': {
      if (!media) throw new Error('a media message needs its uploaded id or link');
      const type = mediaType(content);
      return { ...envelope(to, type, options), [type]: mediaObject(content, media) };
    }
    case 'location':
      return {
        ...envelope(to, 'location', options),
        location: {
          latitude: content.latitude,
          longitude: content.longitude,
          ...(content.name ? { name: content.name } : {}),
          ...(content.address ? { address: content.address } : {}),
        },
      };
    case 'contact':
      return { ...envelope(to, 'contacts', options), contacts: content.contacts.map(contactObject) };
    case 'reaction':
      return { ...envelope(to, 'reaction', {}), reaction: { message_id: content.key.id, emoji: content.reaction } };
    case 'list':
      return {
        ...envelope(to, 'interactive', options),
        interactive: {
          type: 'list',
          header: { type: 'text', text: content.title },
          body: { text: content.description || content.title },
          ...(content.footerText ? { footer: { text: content.footerText } } : {}),
          action: {
            button: content.buttonText,
            sections: content.sections.map((section) => ({
              title: section.title,
              rows: section.rows.map((row) => ({ id: row.rowId, title: row.title, ...(row.description ? { description: row.description } : {}) })),
            })),
          },
        },
      };
    case 'buttons':
      return {
        ...envelope(to, 'interactive', options),
        interactive: {
          type: 'button',
          ...(media ? { header: { type: 'image', image: { ...media } } } : {}),
          body: { text: [content.title, content.description].filter(Boolean).join('\n\n') || 'Select' },
          ...(content.footer ? { footer: { text: content.footer } } : {}),
          action: {
            buttons: content.buttons.map((button, index) => ({
              type: 'reply',
              reply: { id: button.id ?? String(index + 1), title: button.displayText ?? '' },
            })),
          },
        },
      };
  }
}

export function templateBody(to: string, request: TemplateSend): Json {
  return {
    ...envelope(to, 'template', { quoted: request.quoted }),
    template: {
      name: request.name,
      language: { code: request.language },
      ...(request.components?.length ? { components: request.components } : {}),
    },
  };
}
