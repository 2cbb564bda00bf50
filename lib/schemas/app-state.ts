import type { FromSchema } from 'json-schema-to-ts';
import { messageKey } from './message.js';

/** A chat as clients name it: digits or a jid (stored jids hold 128 characters). */
const chat = { type: 'string', minLength: 1, maxLength: 128 } as const;

/** Evolution's `lastMessage`: the chat's newest message, which the archive or unread mark is anchored to. */
const lastMessage = {
  type: 'object',
  required: ['key'],
  properties: {
    key: { ...messageKey, required: ['id', 'remoteJid', 'fromMe'] },
    /** Unix seconds; now when not given. */
    messageTimestamp: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
  },
} as const;

/** Evolution's archiveChat body: `lastMessage`, or `chat` alone to use its newest stored message. */
export const archiveChatBody = {
  type: 'object',
  required: ['archive'],
  properties: { lastMessage, chat, archive: { type: 'boolean' } },
} as const;

/** Evolution's markChatUnread body, `lastMessage` or `chat` as for archiveChat. */
export const markChatUnreadBody = {
  type: 'object',
  properties: { lastMessage, chat },
} as const;

/** Evolution's handleLabel body. Label ids are WhatsApp's short numeric strings. */
export const handleLabelBody = {
  type: 'object',
  required: ['number', 'labelId', 'action'],
  properties: {
    number: { type: 'string', minLength: 1, maxLength: 128 },
    labelId: { type: 'string', minLength: 1, maxLength: 64 },
    action: { type: 'string', enum: ['add', 'remove'] },
  },
} as const;

export type ArchiveChatBody = FromSchema<typeof archiveChatBody>;
export type MarkChatUnreadBody = FromSchema<typeof markChatUnreadBody>;
export type HandleLabelBody = FromSchema<typeof handleLabelBody>;
