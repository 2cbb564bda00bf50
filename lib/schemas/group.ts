import type { FromSchema } from 'json-schema-to-ts';

// Evolution takes a group's jid in the query (`?groupJid=…`) or in the body,
// with or without its "@g.us"; the routes resolve it (lib/http/routes/group.ts).
const groupJid = { type: 'string', minLength: 1, maxLength: 128 } as const;

/** A phone number as Evolution's group schemas take them: text with digits in it. */
const phoneNumber = { type: 'string', minLength: 5, maxLength: 64, pattern: '\\d', 'x-rule': 'must be a phone number' } as const;
const phoneNumbers = { type: 'array', minItems: 1, maxItems: 1024, uniqueItems: true, items: phoneNumber } as const;

/** WhatsApp's limits: 100 characters of subject, 2048 of description. */
const subject = { type: 'string', minLength: 1, maxLength: 100 } as const;
const description = { type: 'string', minLength: 1, maxLength: 2048 } as const;

export const groupJidQuery = {
  type: 'object',
  properties: { groupJid },
} as const;

export const createGroupBody = {
  type: 'object',
  required: ['subject', 'participants'],
  properties: {
    subject,
    description,
    promoteParticipants: { type: 'boolean' },
    participants: phoneNumbers,
  },
} as const;

export const groupSubjectBody = {
  type: 'object',
  required: ['subject'],
  properties: { groupJid, subject },
} as const;

export const groupDescriptionBody = {
  type: 'object',
  required: ['description'],
  properties: { groupJid, description },
} as const;

/** An http(s) URL or base64; the bytes are bounded by the media size limit once read. */
export const groupPictureBody = {
  type: 'object',
  required: ['image'],
  properties: { groupJid, image: { type: 'string', minLength: 1, maxLength: 100_000_000 } },
} as const;

export const fetchAllGroupsQuery = {
  type: 'object',
  required: ['getParticipants'],
  properties: { getParticipants: { type: 'string', enum: ['true', 'false'] } },
} as const;

export const inviteCodeQuery = {
  type: 'object',
  required: ['inviteCode'],
  properties: {
    inviteCode: { type: 'string', pattern: '^[a-zA-Z0-9]{22}$', 'x-rule': 'must be the 22 letters and digits of a group link' },
  },
} as const;

export const sendInviteBody = {
  type: 'object',
  required: ['groupJid', 'description', 'numbers'],
  properties: {
    groupJid,
    description: { type: 'string', minLength: 1, maxLength: 4096 },
    numbers: phoneNumbers,
  },
} as const;

export const updateParticipantsBody = {
  type: 'object',
  required: ['action', 'participants'],
  properties: {
    groupJid,
    action: { type: 'string', enum: ['add', 'remove', 'promote', 'demote'] },
    participants: phoneNumbers,
  },
} as const;

export const updateSettingBody = {
  type: 'object',
  required: ['action'],
  properties: {
    groupJid,
    action: { type: 'string', enum: ['announcement', 'not_announcement', 'locked', 'unlocked'] },
  },
} as const;

export const toggleEphemeralBody = {
  type: 'object',
  required: ['expiration'],
  properties: {
    groupJid,
    expiration: { type: 'integer', enum: [0, 86400, 604800, 7776000], 'x-rule': 'must be 0, 86400, 604800 or 7776000 (seconds)' },
  },
} as const;

export type CreateGroupBody = FromSchema<typeof createGroupBody>;
export type UpdateParticipantsBody = FromSchema<typeof updateParticipantsBody>;
