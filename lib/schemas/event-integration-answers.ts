import type { FromSchema } from 'json-schema-to-ts';
import type { brokerDestinations } from '../dispatcher/destinations.js';
import type { withRow, withSavedRow } from '../http/presenters.js';
import type { eventIntegrationView } from '../instance-config/event-integration.js';
import type { Plain, Satisfies } from './answer-check.js';
import { orNull, savedRow, storedRow } from './answer-parts.js';

// The answers of /rabbitmq, /sqs and /nats in Evolution's shapes, for the API
// description; the checks at the end keep the views and these schemas in step.

export const eventIntegrationAnswer = {
  type: 'object',
  required: ['enabled', 'events'],
  properties: {
    enabled: { type: 'boolean' },
    events: { type: 'array', items: { type: 'string' }, description: 'Event names such as MESSAGES_UPSERT; empty for every event.' },
  },
} as const;

export const eventIntegrationSetAnswer = savedRow(eventIntegrationAnswer);

export const eventIntegrationRowAnswer = storedRow(eventIntegrationAnswer);

/** find: null until stored; `destinations` names where the instance's events go on the broker. */
export const eventIntegrationFindAnswer = orNull({
  ...eventIntegrationRowAnswer,
  required: [...eventIntegrationRowAnswer.required, 'destinations'],
  properties: {
    ...eventIntegrationRowAnswer.properties,
    destinations: {
      type: 'object',
      description: 'RabbitMQ: exchange and queuePrefix; SQS: queuePrefix and queueSuffix; NATS: subjectPrefix and subscription.',
      properties: {
        exchange: { type: 'string' },
        queuePrefix: { type: 'string' },
        queueSuffix: { type: 'string' },
        subjectPrefix: { type: 'string' },
        subscription: { type: 'string' },
      },
    },
  },
} as const);

type View = ReturnType<typeof eventIntegrationView>;
type Found = ReturnType<typeof withRow<View>> & { destinations: ReturnType<typeof brokerDestinations> };
export type EventIntegrationSetAnswer = Satisfies<Plain<ReturnType<typeof withSavedRow<View>>>, FromSchema<typeof eventIntegrationSetAnswer>>;
export type EventIntegrationFindAnswer = Satisfies<Plain<Found> | null, FromSchema<typeof eventIntegrationFindAnswer>>;
