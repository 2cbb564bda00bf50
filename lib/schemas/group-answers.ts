import type { FromSchema } from 'json-schema-to-ts';
import type { GroupInfo, GroupMetadataJson, GroupParticipant, ParticipantUpdateResult } from '../groups/types.js';
import type { Plain, Satisfies } from './answer-check.js';
import { updatedAnswer } from './answer-parts.js';

// Bodies of the successful answers of the /group routes, in Evolution's shapes,
// for the API description. The checks at the end keep the group types and
// these schemas in step; a spec checks real answers.

const jid = (description: string) => ({ type: 'string', description }) as const;

export const groupParticipantAnswer = {
  type: 'object',
  required: ['id', 'admin'],
  properties: {
    id: jid('The member: …@s.whatsapp.net, or …@lid in a group WhatsApp addresses by LID.'),
    admin: { enum: ['admin', 'superadmin', null], description: 'null for a plain member.' },
    phoneNumber: jid('The member by phone number, when WhatsApp told it.'),
    lid: jid("The member's LID, when WhatsApp told it."),
  },
} as const;

/** findGroupInfos, and each item of fetchAllGroups. */
export const groupInfoAnswer = {
  type: 'object',
  required: ['id', 'subject', 'pictureUrl', 'size'],
  properties: {
    id: jid('The group: …@g.us.'),
    subject: { type: 'string' },
    subjectOwner: { type: 'string' },
    subjectTime: { type: 'number', description: 'Unix seconds.' },
    pictureUrl: { type: ['string', 'null'] },
    size: { type: 'integer', description: 'Members.' },
    creation: { type: 'number', description: 'Unix seconds.' },
    owner: { type: 'string' },
    desc: { type: 'string' },
    descId: { type: 'string' },
    restrict: { type: 'boolean', description: 'Only admins edit the group info.' },
    announce: { type: 'boolean', description: 'Only admins send messages.' },
    participants: { type: 'array', items: groupParticipantAnswer, description: 'fetchAllGroups leaves them out unless getParticipants=true.' },
    isCommunity: { type: 'boolean' },
    isCommunityAnnounce: { type: 'boolean' },
    linkedParent: { type: 'string' },
  },
} as const;

export const groupListAnswer = { type: 'array', items: groupInfoAnswer } as const;

/** The group as WhatsApp describes it: create and inviteInfo. */
export const groupMetadataAnswer = {
  type: 'object',
  required: ['id', 'participants'],
  properties: {
    id: jid('The group: …@g.us.'),
    participants: { type: 'array', items: groupParticipantAnswer },
  },
} as const;

export const groupParticipantsAnswer = {
  type: 'object',
  required: ['participants'],
  properties: {
    participants: {
      type: 'array',
      items: {
        type: 'object',
        required: groupParticipantAnswer.required,
        properties: {
          ...groupParticipantAnswer.properties,
          name: { type: 'string', description: "The name the instance's contacts hold for the member." },
          imgUrl: { type: 'string' },
        },
      },
    },
  },
} as const;

export const groupUpdatedAnswer = updatedAnswer;

export const inviteCodeAnswer = {
  type: 'object',
  required: ['inviteUrl', 'inviteCode'],
  properties: { inviteUrl: { type: 'string', format: 'uri' }, inviteCode: { type: 'string' } },
} as const;

export const acceptInviteAnswer = {
  type: 'object',
  required: ['accepted', 'groupJid'],
  properties: { accepted: { type: 'boolean' }, groupJid: { type: ['string', 'null'] } },
} as const;

export const sendInviteAnswer = {
  type: 'object',
  required: ['send', 'inviteUrl'],
  properties: { send: { type: 'boolean' }, inviteUrl: { type: 'string', format: 'uri' } },
} as const;

export const revokeInviteAnswer = {
  type: 'object',
  required: ['revoked', 'inviteCode'],
  properties: { revoked: { type: 'boolean' }, inviteCode: { type: ['string', 'null'], description: 'The new code.' } },
} as const;

export const participantUpdateAnswer = {
  type: 'object',
  required: ['updateParticipants'],
  properties: {
    updateParticipants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['status', 'jid', 'content'],
        properties: {
          status: { type: 'string', description: 'WhatsApp\'s code for this member: "200" when done.' },
          jid: { type: 'string' },
          content: {
            type: 'object',
            required: ['tag', 'attrs'],
            properties: { tag: { type: 'string' }, attrs: { type: 'object', additionalProperties: { type: 'string' } } },
          },
        },
      },
    },
  },
} as const;

/** updateSetting: Evolution answers what the library returned, which is nothing. */
export const settingUpdatedAnswer = { type: 'object' } as const;

export const ephemeralAnswer = { type: 'object', required: ['success'], properties: { success: { type: 'boolean' } } } as const;

export const leaveGroupAnswer = {
  type: 'object',
  required: ['groupJid', 'leave'],
  properties: { groupJid: { type: 'string' }, leave: { type: 'boolean' } },
} as const;

export type GroupInfoAnswer = Satisfies<Plain<GroupInfo>, FromSchema<typeof groupInfoAnswer>>;
export type GroupMetadataAnswer = Satisfies<Plain<GroupMetadataJson>, FromSchema<typeof groupMetadataAnswer>>;
export type GroupParticipantCheck = Satisfies<Plain<GroupParticipant>, FromSchema<typeof groupParticipantAnswer>>;
export type ParticipantUpdateCheck = Satisfies<Plain<ParticipantUpdateResult>, FromSchema<typeof participantUpdateAnswer>['updateParticipants'][number]>;
