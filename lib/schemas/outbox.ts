import type { FromSchema } from 'json-schema-to-ts';

export const deadLettersQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 },
  },
} as const;

export type DeadLettersQuery = FromSchema<typeof deadLettersQuery>;

/** Without ids, every dead letter of the instance is replayed. */
export const replayBody = {
  type: 'object',
  properties: {
    ids: { type: 'array', items: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, minItems: 1, maxItems: 10_000 },
  },
} as const;

export type ReplayBody = FromSchema<typeof replayBody>;
