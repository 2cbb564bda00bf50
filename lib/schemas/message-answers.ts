import type { FromSchema } from 'json-schema-to-ts';
import type { MessageRecord } from '../messages/types.js';
import type { Plain, Satisfies } from './answer-check.js';

// Bodies of the successful answers of the send routes and findMessages, for
// the API description (lib/http/openapi.ts). The check at the end keeps the
// message type and its schema in step; a spec checks real answers.

const messageKey = {
  type: 'object',
  required: ['id', 'remoteJid', 'fromMe'],
  properties: {
    id: { type: 'string', description: "WhatsApp's id of the message (Meta's wamid on a Business instance)." },
    remoteJid: { type: 'string', description: 'The chat: a contact (…@s.whatsapp.net or …@lid), a group (…@g.us) or status@broadcast.' },
    fromMe: { type: 'boolean' },
    participant: { type: 'string', description: "In a group, the member who sent it." },
    remoteJidAlt: { type: 'string', description: "The chat's other address (phone number or LID), when WhatsApp told it." },
    participantAlt: {
      type: 'string',
      description: "In a group, the sender's other address, when WhatsApp told it: the phone number (…@s.whatsapp.net) in a group addressed by LID, the LID in one addressed by phone number.",
    },
  },
} as const;

/** A message as sent, stored and reported (send.message, messages.upsert), in Evolution's shape. */
export const messageRecordAnswer = {
  type: 'object',
  required: ['key', 'pushName', 'status', 'message', 'messageType', 'messageTimestamp', 'instanceId', 'source'],
  properties: {
    key: messageKey,
    pushName: { type: ['string', 'null'] },
    status: { type: 'string', description: 'PENDING, SERVER_ACK, DELIVERY_ACK, READ, PLAYED or ERROR.' },
    message: { type: 'object', description: "The message in WhatsApp's protobuf JSON form: conversation, extendedTextMessage, imageMessage, …" },
    messageType: { type: 'string', description: 'The key of `message` that holds the content, e.g. conversation or imageMessage.' },
    messageTimestamp: { type: 'integer', description: 'Unix seconds.' },
    instanceId: { type: 'string' },
    source: { type: 'string', description: 'The device kind that sent it: android, ios, web, desktop or unknown.' },
    contextInfo: { type: ['object', 'null'] },
  },
} as const;

/** A page of stored messages (findMessages). */
export const messagePageAnswer = {
  type: 'object',
  required: ['messages'],
  properties: {
    messages: {
      type: 'object',
      required: ['total', 'pages', 'currentPage', 'records'],
      properties: {
        total: { type: 'integer', description: 'Messages matching `where`, on every page.' },
        pages: { type: 'integer' },
        currentPage: { type: 'integer' },
        records: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', ...messageRecordAnswer.required],
            properties: { id: { type: 'string', description: "The stored message's own id." }, ...messageRecordAnswer.properties },
          },
        },
      },
    },
  },
} as const;

export type MessageRecordAnswer = Satisfies<Plain<MessageRecord>, FromSchema<typeof messageRecordAnswer>>;
