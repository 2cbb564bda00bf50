// Messaging shapes shared by the HTTP routes (main thread) and the instance
// worker that talks to WhatsApp. They cross the thread boundary, so they are
// plain data: no class instances, media as bytes (or a link, see MediaPayload).

export interface MessageKey {
  remoteJid: string;
  fromMe: boolean;
  id: string;
  participant?: string;
}

/**
 * A message's key as it is reported and stored: WhatsApp's key, with the
 * other address of the chat or of the group member who sent it, when
 * WhatsApp told it (a LID beside a phone number, or the other way round).
 */
export interface RecordKey extends MessageKey {
  /** The chat's other address: a LID chat's phone number, or a phone-number chat's LID. */
  remoteJidAlt?: string;
  /** The sender's other address in a group: its phone number in a LID group, its LID in a phone-number group. */
  participantAlt?: string;
}

export interface QuotedRef {
  key: MessageKey;
  /** The quoted message's content, when the client sends it (Evolution clients do). */
  message?: Record<string, unknown>;
}

export interface SendOptions {
  /** Milliseconds of "typing…" shown before the message goes. */
  delay?: number;
  quoted?: QuotedRef;
  /** Numbers or jids to mention. */
  mentioned?: string[];
  mentionsEveryOne?: boolean;
  linkPreview?: boolean;
  /** The WhatsApp id to send under, chosen by the caller so that a repeated send keeps it. */
  messageId?: string;
}

export type MediaKind = 'image' | 'video' | 'document' | 'audio';

export interface ContactCard {
  fullName: string;
  wuid?: string;
  phoneNumber: string;
  organization?: string;
  email?: string;
  url?: string;
}

/** A row of a list message; `rowId` comes back when the contact picks it. */
export interface ListRow {
  title: string;
  description?: string;
  rowId: string;
}

export interface ListSection {
  title: string;
  rows: ListRow[];
}

/** Evolution's button kinds: `pix` is a Brazilian PIX payment request. */
export type ButtonKind = 'reply' | 'copy' | 'url' | 'call' | 'pix';
export type PixKeyType = 'phone' | 'email' | 'cpf' | 'cnpj' | 'random';

/** A button as Evolution clients describe it; which fields count depends on `type`. */
export interface ButtonSpec {
  type: ButtonKind;
  displayText?: string;
  id?: string;
  url?: string;
  copyCode?: string;
  phoneNumber?: string;
  currency?: string;
  name?: string;
  keyType?: PixKeyType;
  key?: string;
}

/**
 * Media to send: its bytes, downloaded or decoded (see lib/cpu), or, for a
 * WHATSAPP-BUSINESS instance, an http(s) URL alone, which Meta fetches itself.
 */
export type MediaPayload = { data: Uint8Array; link?: undefined } | { link: string; data?: undefined };

/** What to send; media carries its MediaPayload. */
export type SendContent =
  | { type: 'text'; text: string }
  | ({ type: 'media'; mediatype: MediaKind; mimetype: string; fileName?: string; caption?: string } & MediaPayload)
  | ({ type: 'voice'; mimetype: string } & MediaPayload)
  | ({ type: 'sticker'; mimetype: string } & MediaPayload)
  | { type: 'location'; latitude: number; longitude: number; name?: string; address?: string }
  | { type: 'contact'; contacts: ContactCard[] }
  | { type: 'reaction'; key: MessageKey; reaction: string }
  | { type: 'poll'; name: string; selectableCount: number; values: string[] }
  | { type: 'list'; title: string; description?: string; buttonText: string; footerText?: string; sections: ListSection[] }
  | {
      type: 'buttons';
      title?: string;
      description?: string;
      footer?: string;
      /** The header image, from `thumbnailUrl`. */
      thumbnail?: { mimetype: string } & MediaPayload;
      buttons: ButtonSpec[];
    }
  /** A round video note. */
  | ({ type: 'ptv'; mimetype: string } & MediaPayload);

export interface SendRequest {
  /** Digits of a phone number, a user jid or a group jid. */
  number: string;
  content: SendContent;
  options: SendOptions;
}

/** What a status post shows: a text, an image or video, or a voice note. */
export type StatusContent =
  | Extract<SendContent, { type: 'text' | 'voice' }>
  | (Extract<SendContent, { type: 'media' }> & { mediatype: 'image' | 'video' });

/** A status post and the contacts who see it. */
export interface StatusRequest {
  content: StatusContent;
  /** User jids of the audience (WhatsApp's statusJidList). */
  recipients: string[];
  /** A text post's background, `#RRGGBB` or `#AARRGGBB`. */
  backgroundColor?: string;
  /** A text post's font (proto ExtendedTextMessage.FontType). */
  font?: number;
}

/** A call offered through the API: it rings on the callee's devices and is ended after `callDuration` seconds. */
export interface CallOfferResult {
  id: string;
  jid: string;
  isVideo: boolean;
  callDuration: number;
}

/**
 * A message as the API and events show it (Evolution's record shape):
 * key, content, type, timestamp, delivery status.
 */
export interface MessageRecord {
  key: RecordKey;
  pushName: string | null;
  status: string;
  message: Record<string, unknown>;
  messageType: string;
  messageTimestamp: number;
  instanceId: string;
  source: string;
  contextInfo?: Record<string, unknown> | null;
}

export interface NumberCheck {
  exists: boolean;
  jid: string;
  number: string;
}
