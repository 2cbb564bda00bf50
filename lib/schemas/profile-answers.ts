import type { FromSchema } from 'json-schema-to-ts';
import type { NumberCheck } from '../messages/types.js';
import type { BusinessProfile, PrivacySettings, ProfileLookup } from '../profile/types.js';
import type { Plain, Satisfies } from './answer-check.js';
import { updatedAnswer } from './answer-parts.js';

// The answers of the profile routes (under /chat) in Evolution's shapes: their
// schemas for the API description, and the views that build them, checked
// against each other by the compiler.

const textOrNull = { type: ['string', 'null'] } as const;

export const profileAnswer = {
  type: 'object',
  required: ['wuid', 'name', 'numberExists', 'picture', 'status', 'isBusiness'],
  properties: {
    wuid: { type: 'string' },
    name: { ...textOrNull, description: 'The push name stored for the contact; for the own account, its profile name.' },
    numberExists: { const: true },
    picture: textOrNull,
    status: { ...textOrNull, description: "The about text; for the own account, the connection's state." },
    isBusiness: { type: 'boolean' },
    email: { type: 'string' },
    description: { type: 'string' },
    website: { type: 'string' },
  },
} as const;

const businessFields = {
  wid: textOrNull,
  description: { type: 'string' },
  email: textOrNull,
  website: { type: 'array', items: { type: 'string' } },
  address: textOrNull,
  category: textOrNull,
} as const;

/** A business account's profile; for any other number, why not and the number check. */
export const businessProfileAnswer = {
  anyOf: [
    {
      type: 'object',
      required: ['isBusiness', 'wid', 'description', 'email', 'website', 'address', 'category'],
      properties: { isBusiness: { const: true }, ...businessFields },
    },
    {
      type: 'object',
      required: ['isBusiness', 'message', 'exists', 'jid', 'number'],
      properties: {
        isBusiness: { const: false },
        message: { type: 'string' },
        exists: { type: 'boolean' },
        jid: { type: 'string' },
        number: { type: 'string' },
      },
    },
  ],
} as const;

const privacyValue = { type: 'string' } as const;

export const privacySettingsAnswer = {
  type: 'object',
  required: ['readreceipts', 'profile', 'status', 'online', 'last', 'groupadd'],
  description: 'all, contacts, contact_blacklist or none; readreceipts all or none; online all or match_last_seen.',
  properties: { readreceipts: privacyValue, profile: privacyValue, status: privacyValue, online: privacyValue, last: privacyValue, groupadd: privacyValue },
} as const;

export const privacyUpdatedAnswer = {
  type: 'object',
  required: [...updatedAnswer.required, 'data'],
  properties: { ...updatedAnswer.properties, data: privacySettingsAnswer },
} as const;

/** Evolution's fetchProfile shape; the own account is answered from the instance record. */
export function profileView(found: ProfileLookup, name: string | null, own?: { picture: string | null; status: string }) {
  const business = found.business;
  return {
    wuid: found.wuid,
    name,
    numberExists: true as const,
    picture: own ? own.picture : found.picture,
    status: own ? own.status : found.status,
    isBusiness: business !== null,
    email: business?.email ?? undefined,
    description: business?.description ?? undefined,
    website: business?.website[0] ?? undefined,
  };
}

export const businessView = (profile: BusinessProfile) => ({ isBusiness: true as const, ...profile });

export const notBusinessView = (check: NumberCheck) => ({ isBusiness: false as const, message: 'Not is business profile', ...check });

export type ProfileAnswer = Satisfies<ReturnType<typeof profileView>, FromSchema<typeof profileAnswer>>;
export type BusinessProfileAnswer = Satisfies<
  Plain<ReturnType<typeof businessView>> | Plain<ReturnType<typeof notBusinessView>>,
  FromSchema<typeof businessProfileAnswer>
>;
export type PrivacySettingsAnswer = Satisfies<Plain<PrivacySettings>, FromSchema<typeof privacySettingsAnswer>>;
