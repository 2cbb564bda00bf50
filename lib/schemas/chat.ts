import type { FromSchema } from 'json-schema-to-ts';
import { PRESENCES } from '../messages/presence.js';
import { recipientNumber } from './common.js';
import { messageKey } from './message.js';

const fullKey = { ...messageKey, required: ['id', 'remoteJid', 'fromMe'] } as const;

export const whatsappNumbersBody = {
  type: 'object',
  required: ['numbers'],
  properties: {
    numbers: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'string', minLength: 1 } },
  },
} as const;

export const markAsReadBody = {
  type: 'object',
  required: ['readMessages'],
  properties: { readMessages: { type: 'array', minItems: 1, maxItems: 1000, items: fullKey } },
} as const;

export const deleteForEveryoneBody = fullKey;

export const profilePictureBody = {
  type: 'object',
  required: ['number'],
  properties: { number: { type: 'string', minLength: 1 } },
} as const;

export const updateMessageBody = {
  type: 'object',
  required: ['key', 'text'],
  properties: {
    number: { type: 'string' },
    text: { type: 'string', minLength: 1 },
    key: fullKey,
  },
} as const;

/** Dates as ISO strings or unix seconds (bounded: compared with a bigint column). */
const instant = {
  type: ['string', 'integer'],
  minimum: -Number.MAX_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
  'x-rule': 'must be a date (ISO 8601) or unix seconds',
} as const;

export const findMessagesBody = {
  type: 'object',
  properties: {
    where: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        messageType: { type: 'string' },
        key: {
          type: 'object',
          properties: { id: { type: 'string' }, remoteJid: { type: 'string' }, fromMe: { type: 'boolean' } },
        },
        messageTimestamp: { type: 'object', properties: { gte: instant, lte: instant } },
      },
    },
    // Any safe integer times the largest page size stays within a bigint offset.
    // 0 means the first page and the default size (lib/messages/message-paging.ts).
    page: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    /** Page size, as Evolution names it. */
    offset: { type: 'integer', minimum: 0, maximum: 1000 },
  },
} as const;

export const findContactsBody = {
  type: 'object',
  properties: {
    where: {
      type: 'object',
      properties: { id: { type: 'string' }, remoteJid: { type: 'string' }, pushName: { type: 'string' } },
    },
  },
} as const;

export const findChatsBody = {
  type: 'object',
  properties: {
    where: { type: 'object', properties: { remoteJid: { type: 'string' } } },
  },
} as const;

/** Statuses a message goes through, and the changes Evolution keeps beside them. */
export const MESSAGE_UPDATE_STATUSES = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED', 'DELETED', 'EDITED'] as const;

/** Evolution's findStatusMessage: `where` picks status changes; paged like findMessages. */
export const findStatusMessageBody = {
  type: 'object',
  properties: {
    where: {
      type: 'object',
      properties: {
        _id: { type: 'string', maxLength: 128 },
        remoteJid: { type: 'string', maxLength: 128 },
        id: { type: 'string', maxLength: 128 },
        fromMe: { type: 'boolean' },
        participant: { type: 'string', maxLength: 128 },
        status: { type: 'string', enum: MESSAGE_UPDATE_STATUSES },
      },
    },
    page: findMessagesBody.properties.page,
    offset: findMessagesBody.properties.offset,
    // Accepted and ignored, as Evolution does.
    limit: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;

export const findChatByRemoteJidQuery = {
  type: 'object',
  required: ['remoteJid'],
  properties: { remoteJid: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

export type WhatsappNumbersBody = FromSchema<typeof whatsappNumbersBody>;
export type MarkAsReadBody = FromSchema<typeof markAsReadBody>;
export type DeleteForEveryoneBody = FromSchema<typeof deleteForEveryoneBody>;
export type ProfilePictureBody = FromSchema<typeof profilePictureBody>;
export type UpdateMessageBody = FromSchema<typeof updateMessageBody>;
export type FindMessagesBody = FromSchema<typeof findMessagesBody>;
export type FindContactsBody = FromSchema<typeof findContactsBody>;
export type FindChatsBody = FromSchema<typeof findChatsBody>;
export type FindStatusMessageBody = FromSchema<typeof findStatusMessageBody>;

export const sendPresenceBody = {
  type: 'object',
  required: ['number', 'presence', 'delay'],
  properties: {
    number: recipientNumber,
    presence: { type: 'string', enum: PRESENCES },
    delay: { type: 'integer', minimum: 0, maximum: 300_000, 'x-rule': 'must be a delay in milliseconds (0-300000)' },
  },
} as const;

export const blockStatusBody = {
  type: 'object',
  required: ['number', 'status'],
  properties: {
    number: recipientNumber,
    status: { type: 'string', enum: ['block', 'unblock'] },
  },
} as const;

export const base64FromMediaBody = {
  type: 'object',
  required: ['message'],
  properties: {
    message: {
      type: 'object',
      required: ['key'],
      properties: { key: { ...messageKey, required: ['id'] } },
    },
    convertToMp4: { type: 'boolean' },
  },
} as const;

export type SendPresenceBody = FromSchema<typeof sendPresenceBody>;
export type BlockStatusBody = FromSchema<typeof blockStatusBody>;
export type Base64FromMediaBody = FromSchema<typeof base64FromMediaBody>;
