import type { FromSchema } from 'json-schema-to-ts';

const number = { type: 'string', minLength: 1, maxLength: 100 } as const;

/** Evolution's body of fetchProfile and fetchBusinessProfile: without a number, the instance's own account. */
export const profileNumberBody = {
  type: 'object',
  properties: { number },
} as const;

const privacyValue = { type: 'string', enum: ['all', 'contacts', 'contact_blacklist', 'none'] } as const;

export const privacySettingsBody = {
  type: 'object',
  required: ['readreceipts', 'profile', 'status', 'online', 'last', 'groupadd'],
  properties: {
    readreceipts: { type: 'string', enum: ['all', 'none'] },
    profile: privacyValue,
    status: privacyValue,
    online: { type: 'string', enum: ['all', 'match_last_seen'] },
    last: privacyValue,
    groupadd: privacyValue,
  },
} as const;

/** WhatsApp's own limits: 25 characters of push name, 139 of about text. */
export const profileNameBody = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 25 } },
} as const;

export const profileStatusBody = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', minLength: 1, maxLength: 139 } },
} as const;

/** An http(s) URL or base64; the bytes are bounded by the media size limit once read. */
export const profilePictureUpdateBody = {
  type: 'object',
  required: ['picture'],
  properties: { picture: { type: 'string', minLength: 1, maxLength: 100_000_000 } },
} as const;

export type ProfileNumberBody = FromSchema<typeof profileNumberBody>;
export type PrivacySettingsBody = FromSchema<typeof privacySettingsBody>;
export type ProfileNameBody = FromSchema<typeof profileNameBody>;
export type ProfileStatusBody = FromSchema<typeof profileStatusBody>;
export type ProfilePictureUpdateBody = FromSchema<typeof profilePictureUpdateBody>;
