import type { FromSchema } from 'json-schema-to-ts';
import type { withRow, withSavedRow } from '../http/presenters.js';
import type { webhookCreatedView, webhookView } from '../instance-config/webhook.js';
import type { Plain, Satisfies } from './answer-check.js';
import { orNull, savedRow, storedRow } from './answer-parts.js';

// The answers of /webhook in Evolution's shapes, for the API description; the
// checks at the end keep the webhook view and these schemas in step.

const events = { type: 'array', items: { type: 'string' }, description: 'Event names such as MESSAGES_UPSERT; empty for every event.' } as const;

export const webhookAnswer = {
  type: 'object',
  required: ['enabled', 'url', 'headers', 'byEvents', 'base64', 'webhookByEvents', 'webhookBase64', 'events', 'hasSecret'],
  properties: {
    enabled: { type: 'boolean' },
    url: { type: 'string' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    byEvents: { type: 'boolean', description: 'The event name is appended to the URL.' },
    base64: { type: 'boolean', description: 'Received media is sent inline as base64.' },
    webhookByEvents: { type: 'boolean', description: 'byEvents again, as Evolution names it in stored rows.' },
    webhookBase64: { type: 'boolean', description: 'base64 again, as Evolution names it in stored rows.' },
    events,
    hasSecret: { type: 'boolean', description: 'Deliveries are signed; the secret itself is never shown.' },
  },
} as const;

export const webhookSetAnswer = savedRow(webhookAnswer);

export const webhookRowAnswer = storedRow(webhookAnswer);

/** find: null until a webhook is stored. */
export const webhookFindAnswer = orNull(webhookRowAnswer);

/** The `webhook` part of create's answer, in Evolution's field names. */
export const webhookCreatedAnswer = {
  type: 'object',
  required: ['webhookUrl', 'webhookHeaders', 'webhookByEvents', 'webhookBase64', 'webhookEvents'],
  properties: {
    webhookUrl: { type: 'string', description: 'Empty when none was given.' },
    webhookHeaders: webhookAnswer.properties.headers,
    webhookByEvents: { type: 'boolean' },
    webhookBase64: { type: 'boolean' },
    webhookEvents: events,
  },
} as const;

type WebhookView = ReturnType<typeof webhookView>;
export type WebhookFindAnswer = Satisfies<Plain<ReturnType<typeof withRow<WebhookView>>> | null, FromSchema<typeof webhookFindAnswer>>;
export type WebhookSetAnswer = Satisfies<Plain<ReturnType<typeof withSavedRow<WebhookView>>>, FromSchema<typeof webhookSetAnswer>>;
export type WebhookCreatedAnswer = Satisfies<Plain<ReturnType<typeof webhookCreatedView>>, FromSchema<typeof webhookCreatedAnswer>>;
