import type { FromSchema } from 'json-schema-to-ts';
import type { withRow } from '../http/presenters.js';
import { chatwootView, type CHATWOOT_UNSET_VIEW, type ChatwootConfig } from '../instance-config/chatwoot.js';
import type { Plain, Satisfies } from './answer-check.js';
import { orNull, storedRow } from './answer-parts.js';

// The answers of /chatwoot in Evolution's shapes, for the API description; the
// checks at the end keep the Chatwoot views and these schemas in step.

const textOrNull = { type: ['string', 'null'] } as const;

/** The configuration as create, fetchInstances and the /chatwoot routes show it. */
export const chatwootAnswer = {
  type: 'object',
  required: [
    'enabled', 'accountId', 'token', 'url', 'nameInbox', 'signMsg', 'signDelimiter', 'number', 'reopenConversation', 'conversationPending',
    'mergeBrazilContacts', 'importContacts', 'importMessages', 'daysLimitImportMessages', 'organization', 'logo', 'ignoreJids', 'webhookUrl',
  ],
  properties: {
    enabled: { type: 'boolean' },
    accountId: { type: 'string' },
    token: { type: 'string' },
    url: { type: 'string' },
    nameInbox: { type: 'string' },
    signMsg: { type: 'boolean' },
    signDelimiter: textOrNull,
    number: textOrNull,
    reopenConversation: { type: 'boolean' },
    conversationPending: { type: 'boolean' },
    mergeBrazilContacts: { type: 'boolean' },
    importContacts: { type: 'boolean' },
    importMessages: { type: 'boolean' },
    daysLimitImportMessages: { type: 'integer' },
    organization: textOrNull,
    logo: textOrNull,
    ignoreJids: { type: 'array', items: { type: 'string' } },
    webhookUrl: { type: 'string', description: 'Where Chatwoot is to post its events for this instance.' },
  },
} as const;

/** set, and find once configured: the view with the webhook URL under Evolution's other name too. */
export const chatwootSetAnswer = {
  ...chatwootAnswer,
  required: [...chatwootAnswer.required, 'webhook_url'],
  properties: { ...chatwootAnswer.properties, webhook_url: { type: 'string' } },
} as const;

/** find before any configuration: Evolution's empty shape rather than null. */
export const chatwootUnsetAnswer = {
  type: 'object',
  required: ['enabled', 'url', 'accountId', 'token', 'signMsg', 'nameInbox', 'webhook_url'],
  properties: {
    enabled: { const: false },
    url: { const: '' },
    accountId: { const: '' },
    token: { const: '' },
    signMsg: { const: false },
    nameInbox: { const: '' },
    webhook_url: { const: '' },
  },
} as const;

export const chatwootFindAnswer = { anyOf: [chatwootSetAnswer, chatwootUnsetAnswer] } as const;

export const chatwootRowAnswer = orNull(storedRow(chatwootAnswer));

/** What Evolution answers every call Chatwoot makes, acted on or not. */
export const chatwootWebhookAnswer = { type: 'object', required: ['message'], properties: { message: { const: 'bot' } } } as const;

/** set and find: the view, its webhook URL under both names. */
export function chatwootSetView(config: Readonly<ChatwootConfig>, serverUrl: string, instanceName: string) {
  const view = chatwootView(config, serverUrl, instanceName);
  return { ...view, webhook_url: view.webhookUrl };
}

type ChatwootView = ReturnType<typeof chatwootView>;
export type ChatwootSetAnswer = Satisfies<Plain<ReturnType<typeof chatwootSetView>>, FromSchema<typeof chatwootSetAnswer>>;
export type ChatwootUnsetAnswer = Satisfies<Plain<typeof CHATWOOT_UNSET_VIEW>, FromSchema<typeof chatwootUnsetAnswer>>;
export type ChatwootRowAnswer = Satisfies<Plain<ReturnType<typeof withRow<ChatwootView>>> | null, FromSchema<typeof chatwootRowAnswer>>;
