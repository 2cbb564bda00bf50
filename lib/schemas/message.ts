import type { FromSchema } from 'json-schema-to-ts';
import { recipientNumber as number } from './common.js';

export const messageKey = {
  type: 'object',
  required: ['id', 'remoteJid'],
  properties: {
    // Stored with the message: key_id, remote_jid and participant hold 128 characters.
    id: { type: 'string', minLength: 1, maxLength: 128 },
    remoteJid: { type: 'string', minLength: 1, maxLength: 128 },
    fromMe: { type: 'boolean' },
    participant: { type: 'string', maxLength: 128 },
  },
} as const;

/** Options every send accepts, flat beside the content as Evolution v2 sends them. */
const options = {
  number,
  delay: { type: 'integer', minimum: 0, maximum: 300_000, 'x-rule': 'must be a delay in milliseconds (0-300000)' },
  // Evolution documents `quoted: {key: {id}}`: the rest of the key and the
  // message are read from the instance's message store.
  quoted: {
    type: 'object',
    required: ['key'],
    properties: { key: { ...messageKey, required: ['id'] }, message: { type: 'object' } },
  },
  linkPreview: { type: 'boolean' },
  mentionsEveryOne: { type: 'boolean' },
  everyOne: { type: 'boolean' },
  mentioned: { type: 'array', items: number, maxItems: 1024 },
} as const;

/** A URL or base64, as the media fields take them. */
const mediaSource = { type: 'string', minLength: 1, 'x-rule': 'must be an http(s) URL or base64 data' } as const;

export const sendTextBody = {
  type: 'object',
  required: ['number', 'text'],
  properties: { ...options, text: { type: 'string', minLength: 1, maxLength: 65_536 } },
} as const;

export const MEDIA_TYPES = ['image', 'video', 'document', 'audio'] as const;

export const sendMediaBody = {
  type: 'object',
  required: ['number', 'mediatype', 'media'],
  properties: {
    ...options,
    mediatype: { type: 'string', enum: MEDIA_TYPES },
    media: mediaSource,
    mimetype: { type: 'string', pattern: '^[\\w.+-]+/[\\w.+-]+', 'x-rule': 'must be a MIME type such as image/png' },
    caption: { type: 'string', maxLength: 65_536 },
    fileName: { type: 'string', maxLength: 255 },
  },
} as const;

export const sendAudioBody = {
  type: 'object',
  required: ['number', 'audio'],
  properties: { ...options, audio: mediaSource, encoding: { type: 'boolean' } },
} as const;

export const sendStickerBody = {
  type: 'object',
  required: ['number', 'sticker'],
  properties: { ...options, sticker: mediaSource },
} as const;

export const sendLocationBody = {
  type: 'object',
  required: ['number', 'latitude', 'longitude'],
  properties: {
    ...options,
    latitude: { type: 'number', minimum: -90, maximum: 90 },
    longitude: { type: 'number', minimum: -180, maximum: 180 },
    name: { type: 'string' },
    address: { type: 'string' },
  },
} as const;

export const sendContactBody = {
  type: 'object',
  required: ['number', 'contact'],
  properties: {
    ...options,
    contact: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        required: ['fullName', 'phoneNumber'],
        properties: {
          fullName: { type: 'string', minLength: 1 },
          wuid: { type: 'string' },
          phoneNumber: { type: 'string', minLength: 1 },
          organization: { type: 'string' },
          email: { type: 'string' },
          url: { type: 'string' },
        },
      },
    },
  },
} as const;

export const sendReactionBody = {
  type: 'object',
  required: ['key', 'reaction'],
  properties: {
    key: { ...messageKey, required: ['id', 'remoteJid', 'fromMe'] },
    // An empty reaction removes an earlier one.
    reaction: { type: 'string', maxLength: 32 },
  },
} as const;

export const sendPollBody = {
  type: 'object',
  required: ['number', 'name', 'values'],
  properties: {
    ...options,
    name: { type: 'string', minLength: 1, maxLength: 255 },
    selectableCount: { type: 'integer', minimum: 0, maximum: 12 },
    values: { type: 'array', minItems: 2, maxItems: 12, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } },
  },
} as const;

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

export const sendListBody = {
  type: 'object',
  required: ['number', 'title', 'buttonText', 'sections'],
  properties: {
    ...options,
    title: text(1024),
    description: { type: 'string', maxLength: 4096 },
    footerText: { type: 'string', maxLength: 1024 },
    buttonText: text(100),
    sections: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: {
        type: 'object',
        required: ['title', 'rows'],
        properties: {
          title: text(100),
          rows: {
            type: 'array',
            minItems: 1,
            maxItems: 10,
            items: {
              type: 'object',
              required: ['title', 'rowId'],
              properties: { title: text(100), description: { type: 'string', maxLength: 1024 }, rowId: text(200) },
            },
          },
        },
      },
    },
  },
} as const;

export const BUTTON_TYPES = ['reply', 'copy', 'url', 'call', 'pix'] as const;
export const PIX_KEY_TYPES = ['phone', 'email', 'cpf', 'cnpj', 'random'] as const;

export const sendButtonsBody = {
  type: 'object',
  required: ['number', 'title', 'buttons'],
  properties: {
    ...options,
    thumbnailUrl: mediaSource,
    title: text(1024),
    description: { type: 'string', maxLength: 4096 },
    footer: { type: 'string', maxLength: 1024 },
    buttons: {
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: {
        type: 'object',
        required: ['type'],
        properties: {
          type: { type: 'string', enum: BUTTON_TYPES },
          displayText: { type: 'string', maxLength: 100 },
          id: { type: 'string', maxLength: 256 },
          url: { type: 'string', maxLength: 2048 },
          copyCode: { type: 'string', maxLength: 1024 },
          phoneNumber: { type: 'string', maxLength: 32 },
          currency: { type: 'string', maxLength: 3 },
          name: { type: 'string', maxLength: 100 },
          keyType: { type: 'string', enum: PIX_KEY_TYPES },
          key: { type: 'string', maxLength: 256 },
        },
      },
    },
  },
} as const;

export const sendPtvBody = {
  type: 'object',
  required: ['number', 'video'],
  properties: { ...options, video: mediaSource },
} as const;

export const STATUS_TYPES = ['text', 'image', 'video', 'audio'] as const;

/** Evolution's status post: the audience is `statusJidList`, or every stored contact with `allContacts`. */
export const sendStatusBody = {
  type: 'object',
  required: ['type', 'content'],
  properties: {
    type: { type: 'string', enum: STATUS_TYPES },
    /** The text, or the media as a URL or base64. */
    content: { type: 'string', minLength: 1, maxLength: 100_000_000 },
    caption: { type: 'string', maxLength: 65_536 },
    backgroundColor: {
      type: 'string',
      pattern: '^#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$',
      'x-rule': 'must be a colour as #RRGGBB or #AARRGGBB',
    },
    // proto ExtendedTextMessage.FontType runs from 0 to 10.
    font: { type: 'integer', minimum: 0, maximum: 10 },
    statusJidList: {
      type: 'array',
      minItems: 1,
      maxItems: 10_000,
      uniqueItems: true,
      items: {
        type: 'string',
        maxLength: 128,
        pattern: '^\\+?[0-9][0-9 ()-]*(@(s\\.whatsapp\\.net|c\\.us|lid))?$',
        'x-rule': 'must be a phone number (digits) or a user jid',
      },
    },
    allContacts: { type: 'boolean' },
  },
} as const;

export type SendTextBody = FromSchema<typeof sendTextBody>;
export type SendMediaBody = FromSchema<typeof sendMediaBody>;
export type SendAudioBody = FromSchema<typeof sendAudioBody>;
export type SendStickerBody = FromSchema<typeof sendStickerBody>;
export type SendLocationBody = FromSchema<typeof sendLocationBody>;
export type SendContactBody = FromSchema<typeof sendContactBody>;
export type SendReactionBody = FromSchema<typeof sendReactionBody>;
export type SendPollBody = FromSchema<typeof sendPollBody>;
export type SendListBody = FromSchema<typeof sendListBody>;
export type SendButtonsBody = FromSchema<typeof sendButtonsBody>;
export type SendPtvBody = FromSchema<typeof sendPtvBody>;
export type SendStatusBody = FromSchema<typeof sendStatusBody>;
export type SendOptionsBody = FromSchema<{ type: 'object'; properties: typeof options }>;
