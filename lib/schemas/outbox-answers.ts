import type { FromSchema } from 'json-schema-to-ts';
import { SINK_NAMES, type OutboxRow } from '../db/outbox.js';
import type { Satisfies } from './answer-check.js';

// The answers of /outbox: their schemas for the API description, and the views
// that build them, checked against each other by the compiler.

export const deadLettersAnswer = {
  type: 'object',
  required: ['total', 'limit', 'offset', 'deadLetters'],
  properties: {
    total: { type: 'integer', description: 'Dead letters of the instance, on every page.' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    deadLetters: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'eventId', 'event', 'sink', 'destination', 'attempts', 'lastError', 'createdAt'],
        properties: {
          id: { type: 'integer', description: 'What replay takes in `ids`.' },
          eventId: { type: 'string' },
          event: { type: 'string', description: 'The event name, e.g. MESSAGES_UPSERT.' },
          sink: { enum: SINK_NAMES },
          destination: { type: 'string' },
          attempts: { type: 'integer' },
          lastError: { type: ['string', 'null'] },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

export const replayAnswer = {
  type: 'object',
  required: ['replayed'],
  properties: { replayed: { type: 'integer', description: 'Dead letters put back in line.' } },
} as const;

function deadLetterView(row: OutboxRow) {
  return {
    id: row.id,
    eventId: row.eventId,
    event: row.event,
    sink: row.sink,
    destination: row.destination,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

export const deadLettersView = (page: { total: number; rows: OutboxRow[] }, limit: number, offset: number) => ({
  total: page.total,
  limit,
  offset,
  deadLetters: page.rows.map(deadLetterView),
});

export type DeadLettersAnswer = Satisfies<ReturnType<typeof deadLettersView>, FromSchema<typeof deadLettersAnswer>>;
