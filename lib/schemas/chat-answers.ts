import type { FromSchema } from 'json-schema-to-ts';
import type { Chat } from '../db/chats.js';
import type { Contact } from '../db/contacts.js';
import type { NumberCheck } from '../messages/types.js';
import type { Plain, Satisfies } from './answer-check.js';

// The answers of the /chat searches in Evolution's shapes: their schemas for the
// API description, and the views that build them from stored rows, checked
// against each other by the compiler.

const timestamps = {
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
} as const;

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

export type ContactAnswer = Satisfies<ReturnType<ReturnType<typeof contactView>>, FromSchema<typeof contactAnswer>>;
export type ChatAnswer = Satisfies<ReturnType<ReturnType<typeof chatView>>, FromSchema<typeof chatAnswer>>;
export type NumberCheckAnswer = Satisfies<Plain<NumberCheck>[], FromSchema<typeof numberCheckListAnswer>>;
