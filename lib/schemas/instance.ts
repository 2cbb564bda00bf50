import type { FromSchema } from 'json-schema-to-ts';
import { INTEGRATIONS } from '../instances/integration.js';
import { CHAT_PRESENCES, PRESENCES } from '../messages/presence.js';
import {
  events,
  headers,
  httpUrl,
  INTEGER_COLUMN_MAX,
  instanceName,
  instanceParams,
  msgCallNeedsRejectCall,
  port,
  proxyHost,
  proxyProtocol,
  recipientNumber,
  settingsProperties,
  toggleWithEvents,
  webhookObject,
} from './common.js';


export const CHATWOOT_REQUIRED = ['chatwootAccountId', 'chatwootToken', 'chatwootUrl'] as const;

/** Text fields that, once given, mean the client is configuring Chatwoot. */
const CHATWOOT_TEXT_FIELDS = [...CHATWOOT_REQUIRED, 'chatwootNameInbox', 'chatwootOrganization', 'chatwootLogo'] as const;

/** Switches that mean the same when turned on; false is their default, as good as unset. */
const CHATWOOT_SWITCHES = [
  'chatwootSignMsg',
  'chatwootReopenConversation',
  'chatwootConversationPending',
  'chatwootImportContacts',
  'chatwootImportMessages',
  'chatwootMergeBrazilContacts',
] as const;

/** Empty fields never get here (lib/http/blanks.ts), so a blank form does not configure Chatwoot. */
const configuresChatwoot = {
  anyOf: [
    ...CHATWOOT_TEXT_FIELDS.map((field) => ({ required: [field] })),
    ...CHATWOOT_SWITCHES.map((field) => ({ required: [field], properties: { [field]: { const: true } } })),
  ],
};

const digits = {
  type: 'string',
  pattern: '^\\+?[0-9]{5,20}$',
  'x-rule': 'must be a phone number in international format, digits only (e.g. 5511999999999)',
} as const;

export const createInstanceBody = {
  type: 'object',
  required: ['instanceName'],
  properties: {
    instanceName,
    token: { type: 'string', maxLength: 255 },
    number: digits,
    businessId: { type: 'string', minLength: 1, maxLength: 64 },
    qrcode: { type: 'boolean' },
    integration: {
      type: 'string',
      enum: INTEGRATIONS,
      'x-message': `Invalid integration: integration must be one of ${INTEGRATIONS.join(', ')}`,
    },
    ...settingsProperties,

    proxyHost,
    proxyPort: port,
    proxyProtocol,
    proxyUsername: { type: 'string', maxLength: 255 },
    proxyPassword: { type: 'string', maxLength: 255 },

    webhook: webhookObject,
    webhookUrl: httpUrl,
    webhookByEvents: { type: 'boolean' },
    webhookBase64: { type: 'boolean' },
    webhookHeaders: headers,
    webhookEvents: events,

    rabbitmq: toggleWithEvents,
    rabbitmqEnabled: { type: 'boolean' },
    rabbitmqEvents: events,
    sqs: toggleWithEvents,
    sqsEnabled: { type: 'boolean' },
    sqsEvents: events,
    nats: toggleWithEvents,
    natsEnabled: { type: 'boolean' },
    natsEvents: events,

    chatwootAccountId: { type: ['string', 'integer'], pattern: '^[0-9]+$', maxLength: 64, minimum: 0, maximum: Number.MAX_SAFE_INTEGER, 'x-rule': 'must be a Chatwoot account id (digits)' },
    chatwootToken: { type: 'string', minLength: 1, maxLength: 255 },
    chatwootUrl: httpUrl,
    chatwootSignMsg: { type: 'boolean' },
    chatwootReopenConversation: { type: 'boolean' },
    chatwootConversationPending: { type: 'boolean' },
    chatwootImportContacts: { type: 'boolean' },
    chatwootImportMessages: { type: 'boolean' },
    chatwootMergeBrazilContacts: { type: 'boolean' },
    chatwootDaysLimitImportMessages: { type: 'integer', minimum: 0, maximum: INTEGER_COLUMN_MAX },
    chatwootNameInbox: { type: 'string', maxLength: 255 },
    chatwootOrganization: { type: 'string', maxLength: 255 },
    chatwootLogo: { type: 'string' },
  },
  dependencies: {
    proxyHost: ['proxyPort'],
    proxyPort: ['proxyHost'],
  },
  allOf: [
    msgCallNeedsRejectCall,
    {
      if: { required: ['integration'], properties: { integration: { const: 'WHATSAPP-BUSINESS' } } },
      then: { required: ['number', 'businessId'], 'x-when': 'when integration is WHATSAPP-BUSINESS' },
    },
    {
      if: configuresChatwoot,
      then: { required: CHATWOOT_REQUIRED, 'x-when': 'when Chatwoot is configured' },
    },
  ],
} as const;

export type CreateInstanceBody = FromSchema<typeof createInstanceBody>;

export const fetchInstancesQuery = {
  type: 'object',
  properties: {
    instanceName: { type: 'string' },
    instanceId: { type: 'string' },
  },
} as const;

export const connectQuery = {
  type: 'object',
  properties: { number: digits },
} as const;


export const setPresenceBody = {
  type: 'object',
  required: ['presence'],
  properties: {
    presence: { type: 'string', enum: PRESENCES },
    // Beyond the Evolution contract: the chat a typing/recording state is shown in.
    number: recipientNumber,
  },
  if: { required: ['presence'], properties: { presence: { enum: CHAT_PRESENCES } } },
  then: { required: ['number'], 'x-when': 'when presence is composing, recording or paused' },
} as const;

export type SetPresenceBody = FromSchema<typeof setPresenceBody>;

export { instanceParams };
