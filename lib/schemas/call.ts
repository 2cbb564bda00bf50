import type { FromSchema } from 'json-schema-to-ts';
import { recipientNumber } from './common.js';

/** Evolution's call offer: who to ring, and for how many seconds (1-15). */
export const offerCallBody = {
  type: 'object',
  required: ['number', 'callDuration'],
  properties: {
    number: recipientNumber,
    isVideo: { type: 'boolean' },
    callDuration: { type: 'integer', minimum: 1, maximum: 15, 'x-rule': 'must be a number of seconds (1-15)' },
  },
} as const;

export type OfferCallBody = FromSchema<typeof offerCallBody>;
