import type { FromSchema } from 'json-schema-to-ts';
import type { Chat } from '../db/chats.js';
import type { Contact } from '../db/contacts.js';
import type { MessageUpdate } from '../db/message-updates.js';
import { PRESENCES } from '../messages/presence.js';
import type { StoredMedia } from '../messages/stored-media.js';
import type { MessageRecord, NumberCheck } from '../messages/types.js';
import type { CommandResults } from '../supervisor/protocol.js';
import type { Plain, Satisfies } from './answer-check.js';
import { orNull, timestamps } from './answer-parts.js';
import { messageRecordAnswer } from './message-answers.js';

// The answers of the /chat routes (the profile routes aside) in Evolution's
// shapes: their schemas for the API description, and the views that build
// them, checked against each other by the compiler.

export const contactAnswer = {
  type: 'object',
  required: ['id', 'remoteJid', 'pushName', 'profilePicUrl', 'createdAt', 'updatedAt', 'instanceId'],
  properties: {
    id: { type: 'string', description: 'The contact: …@s.whatsapp.net or …@lid (Evolution repeats remoteJid here).' },
    remoteJid: { type: 'string' },
    pushName: { type: ['string', 'null'] },
    profilePicUrl: { type: ['string', 'null'] },
    ...timestamps,
    instanceId: { type: 'string' },
  },
} as const;

export const contactListAnswer = { type: 'array', items: contactAnswer } as const;

export const chatAnswer = {
  type: 'object',
  required: ['id', 'remoteJid', 'name', 'unreadCount', 'lastMessageTimestamp', 'createdAt', 'updatedAt', 'instanceId'],
  properties: {
    id: { type: 'string', description: 'The chat: a contact, a group (…@g.us) or status@broadcast.' },
    remoteJid: { type: 'string' },
    name: { type: ['string', 'null'] },
    unreadCount: { type: 'integer' },
    lastMessageTimestamp: { type: ['integer', 'null'], description: 'Unix seconds.' },
    ...timestamps,
    instanceId: { type: 'string' },
  },
} as const;

export const chatListAnswer = { type: 'array', items: chatAnswer } as const;

export const numberCheckListAnswer = {
  type: 'array',
  items: {
    type: 'object',
    required: ['exists', 'jid', 'number'],
    properties: {
      exists: { type: 'boolean', description: 'Whether the number is on WhatsApp.' },
      jid: { type: 'string' },
      number: { type: 'string', description: 'The number as asked.' },
    },
  },
} as const;

/** findChatByRemoteJid: Evolution's Chat row, the unread count under its stored name too; null when unknown. */
export const chatRowAnswer = orNull({
  ...chatAnswer,
  required: [...chatAnswer.required, 'unreadMessages'],
  properties: { ...chatAnswer.properties, unreadMessages: { type: 'integer' } },
} as const);

export const readAnswer = {
  type: 'object',
  required: ['message', 'read'],
  properties: { message: { const: 'Read messages' }, read: { const: 'success' } },
} as const;

/** deleteMessageForEveryone (the revoke as sent) and updateMessage (the edit as sent); null when WhatsApp sent nothing back. */
export const sentMessageAnswer = orNull(messageRecordAnswer);

export const profilePictureUrlAnswer = {
  type: 'object',
  required: ['wuid', 'profilePictureUrl'],
  properties: { wuid: { type: 'string' }, profilePictureUrl: { type: ['string', 'null'], description: 'null when there is none or privacy hides it.' } },
} as const;

/** findStatusMessage: the status changes of messages, oldest first, without a paging envelope. */
export const statusUpdateListAnswer = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'keyId', 'remoteJid', 'fromMe', 'participant', 'pollUpdates', 'status', 'messageId', 'instanceId'],
    properties: {
      id: { type: 'string' },
      keyId: { type: 'string', description: "The message's WhatsApp id." },
      remoteJid: { type: 'string' },
      fromMe: { type: 'boolean' },
      participant: { type: ['string', 'null'] },
      pollUpdates: { type: 'null' },
      status: { type: 'string', description: 'SERVER_ACK, DELIVERY_ACK, READ, PLAYED, …' },
      messageId: { type: ['string', 'null'], description: "The stored message's id, as findMessages shows it." },
      instanceId: { type: 'string' },
    },
  },
} as const;

/** sendPresence, and /instance/setPresence. */
export const presenceAnswer = { type: 'object', required: ['presence'], properties: { presence: { enum: PRESENCES } } } as const;

export const blockAnswer = { type: 'object', required: ['block'], properties: { block: { const: 'success' } } } as const;

export const mediaBase64Answer = {
  type: 'object',
  required: ['mediaType', 'fileName', 'size', 'base64', 'buffer'],
  properties: {
    mediaType: { type: 'string', description: 'imageMessage, documentMessage, audioMessage, videoMessage, stickerMessage or ptvMessage.' },
    fileName: { type: 'string' },
    caption: { type: 'string' },
    size: {
      type: 'object',
      properties: { fileLength: { type: 'number' }, height: { type: 'number' }, width: { type: 'number' } },
    },
    mimetype: { type: 'string' },
    base64: { type: 'string', description: 'The media, decrypted.' },
    buffer: { type: 'null' },
  },
} as const;

export const archiveAnswer = {
  type: 'object',
  required: ['chatId', 'archived'],
  properties: { chatId: { type: 'string' }, archived: { const: true, description: 'true for any request done, an unarchive too (as Evolution).' } },
} as const;

export const markUnreadAnswer = {
  type: 'object',
  required: ['chatId', 'markedChatUnread'],
  properties: { chatId: { type: 'string' }, markedChatUnread: { const: true } },
} as const;

export const contactView = (instanceId: string) => (contact: Contact) => ({
  id: contact.remoteJid,
  remoteJid: contact.remoteJid,
  pushName: contact.pushName,
  profilePicUrl: contact.profilePicUrl,
  createdAt: contact.createdAt,
  updatedAt: contact.updatedAt,
  instanceId,
});

export const chatView = (instanceId: string) => (chat: Chat) => ({
  id: chat.remoteJid,
  remoteJid: chat.remoteJid,
  name: chat.name,
  unreadCount: chat.unreadMessages,
  lastMessageTimestamp: chat.lastMessageTimestamp,
  createdAt: chat.createdAt,
  updatedAt: chat.updatedAt,
  instanceId,
});

export const chatRowView = (instanceId: string) => (chat: Chat) => ({ ...chatView(instanceId)(chat), unreadMessages: chat.unreadMessages });

export const READ_DONE = { message: 'Read messages', read: 'success' } as const;

export const mediaBase64View = (media: StoredMedia, base64: string) => ({ ...media, base64, buffer: null });

export const archivedView = (chatId: string) => ({ chatId, archived: true as const });

export const markedUnreadView = (chatId: string) => ({ chatId, markedChatUnread: true as const });

export type ContactAnswer = Satisfies<ReturnType<ReturnType<typeof contactView>>, FromSchema<typeof contactAnswer>>;
export type ChatAnswer = Satisfies<ReturnType<ReturnType<typeof chatView>>, FromSchema<typeof chatAnswer>>;
export type NumberCheckAnswer = Satisfies<Plain<NumberCheck>[], FromSchema<typeof numberCheckListAnswer>>;
export type ChatRowAnswer = Satisfies<ReturnType<ReturnType<typeof chatRowView>> | null, FromSchema<typeof chatRowAnswer>>;
export type ReadAnswer = Satisfies<typeof READ_DONE, FromSchema<typeof readAnswer>>;
export type SentMessageAnswer = Satisfies<Plain<MessageRecord> | null, FromSchema<typeof sentMessageAnswer>>;
export type ProfilePictureUrlAnswer = Satisfies<CommandResults['profile-picture'], FromSchema<typeof profilePictureUrlAnswer>>;
export type StatusUpdateListAnswer = Satisfies<Plain<MessageUpdate>[], FromSchema<typeof statusUpdateListAnswer>>;
export type PresenceAnswer = Satisfies<CommandResults['chat-presence'], FromSchema<typeof presenceAnswer>>;
export type BlockAnswer = Satisfies<CommandResults['block-status'], FromSchema<typeof blockAnswer>>;
export type MediaBase64Answer = Satisfies<Plain<ReturnType<typeof mediaBase64View>>, FromSchema<typeof mediaBase64Answer>>;
export type ArchiveAnswer = Satisfies<ReturnType<typeof archivedView>, FromSchema<typeof archiveAnswer>>;
export type MarkUnreadAnswer = Satisfies<ReturnType<typeof markedUnreadView>, FromSchema<typeof markUnreadAnswer>>;
