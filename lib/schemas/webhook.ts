import type { FromSchema } from 'json-schema-to-ts';
import { webhookObject } from './common.js';

export const setWebhookBody = {
  type: 'object',
  required: ['webhook'],
  properties: {
    webhook: {
      ...webhookObject,
      required: ['enabled'],
      // An empty url switches the webhook off (lib/http/blanks.ts).
      'x-blank-disables': ['url'],
      if: { properties: { enabled: { const: true } } },
      then: { required: ['url'], 'x-when': 'when enabled is true' },
    },
  },
} as const;

export type SetWebhookBody = FromSchema<typeof setWebhookBody>;
