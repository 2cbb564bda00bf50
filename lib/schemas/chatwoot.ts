import type { FromSchema } from 'json-schema-to-ts';
import { chatwootProperties } from './common.js';

export const setChatwootBody = {
  type: 'object',
  required: ['enabled'],
  // An empty account, token or url switches Chatwoot off (lib/http/blanks.ts).
  'x-blank-disables': ['accountId', 'token', 'url'],
  properties: chatwootProperties,
  if: { properties: { enabled: { const: true } } },
  then: { required: ['accountId', 'token', 'url'], 'x-when': 'when enabled is true' },
} as const;

export type SetChatwootBody = FromSchema<typeof setChatwootBody>;
