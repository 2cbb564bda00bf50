import type { FromSchema } from 'json-schema-to-ts';
import type { CallOfferResult } from '../messages/types.js';
import type { Plain, Satisfies } from './answer-check.js';

// The answer of /call/offer, for the API description; the check keeps the
// worker's result and the schema in step.

export const callOfferAnswer = {
  type: 'object',
  required: ['id', 'jid', 'isVideo', 'callDuration'],
  properties: {
    id: { type: 'string', description: "The call's id." },
    jid: { type: 'string', description: 'Who was rung.' },
    isVideo: { type: 'boolean' },
    callDuration: { type: 'integer', description: 'Seconds it rings before it is ended.' },
  },
} as const;

export type CallOfferAnswer = Satisfies<Plain<CallOfferResult>, FromSchema<typeof callOfferAnswer>>;
