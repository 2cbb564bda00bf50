import type { FromSchema } from 'json-schema-to-ts';
import type { ConnectionStatus } from '../db/instances.js';
import type { createdView, instanceListingView } from '../http/presenters.js';
import type { QrView } from '../instances/connection.js';
import { INTEGRATIONS } from '../instances/integration.js';
import type { WorkerState } from '../supervisor/supervisor.js';
import type { Plain, Satisfies } from './answer-check.js';
import { orNull, timestamps } from './answer-parts.js';
import { chatwootAnswer, chatwootRowAnswer } from './chatwoot-answers.js';
import { eventIntegrationAnswer, eventIntegrationRowAnswer } from './event-integration-answers.js';
import { proxyFindAnswer } from './proxy-answers.js';
import { settingsAnswer, settingsFindAnswer } from './settings-answers.js';
import { webhookCreatedAnswer, webhookFindAnswer } from './webhook-answers.js';

// The answers of /instance in Evolution's shapes, for the API description; the
// checks at the end keep the views that build them and these schemas in step.

const CONNECTION_STATES = ['open', 'connecting', 'close'] as const satisfies readonly ConnectionStatus[];
const WORKER_STATES = ['stopped', 'starting', 'running', 'restarting', 'crashed', 'stopping'] as const satisfies readonly WorkerState[];

const state = { enum: CONNECTION_STATES, description: "WhatsApp's connection: open once paired and connected." } as const;
const workerState = { enum: WORKER_STATES, description: "The instance's worker thread." } as const;
const textOrNull = { type: ['string', 'null'] } as const;

export const qrAnswer = {
  type: 'object',
  required: ['pairingCode', 'code', 'base64', 'count'],
  properties: {
    pairingCode: { ...textOrNull, description: 'The code to type on the phone, when a number was given.' },
    code: { ...textOrNull, description: "The QR's text." },
    base64: { ...textOrNull, description: 'The QR as an image data URL.' },
    count: { type: 'integer', description: 'QR codes shown in this attempt so far.' },
  },
} as const;

export const instanceStateAnswer = {
  type: 'object',
  required: ['instance'],
  properties: {
    instance: { type: 'object', required: ['instanceName', 'state'], properties: { instanceName: { type: 'string' }, state } },
  },
} as const;

/** connect: the QR (or pairing code) while pairing, the state once connected. */
export const connectAnswer = { anyOf: [qrAnswer, instanceStateAnswer] } as const;

export const connectionStateAnswer = {
  type: 'object',
  required: ['instance'],
  properties: {
    instance: {
      type: 'object',
      required: ['instanceName', 'state', 'workerState'],
      properties: { instanceName: { type: 'string' }, state, workerState },
    },
  },
} as const;

/** logout and delete, in Evolution's envelope. */
export const instanceDoneAnswer = {
  type: 'object',
  required: ['status', 'error', 'response'],
  properties: {
    status: { const: 'SUCCESS' },
    error: { const: false },
    response: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
  },
} as const;

const toggle = eventIntegrationAnswer;

export const instanceCreatedAnswer = {
  type: 'object',
  required: ['instance', 'hash', 'webhook', 'websocket', 'rabbitmq', 'nats', 'sqs', 'settings'],
  properties: {
    instance: {
      type: 'object',
      required: [
        'instanceName', 'instanceId', 'integration', 'webhookWaBusiness', 'accessTokenWaBusiness', 'webhook_wa_business', 'access_token_wa_business', 'status',
      ],
      properties: {
        instanceName: { type: 'string' },
        instanceId: { type: 'string' },
        integration: { enum: INTEGRATIONS },
        webhookWaBusiness: { ...textOrNull, description: 'Where Meta is to call, for a WHATSAPP-BUSINESS instance.' },
        accessTokenWaBusiness: { type: 'string', description: "The verify token Meta's webhook set-up asks for; empty for Baileys." },
        webhook_wa_business: textOrNull,
        access_token_wa_business: { type: 'string' },
        status: state,
      },
    },
    hash: { type: 'string', description: "The instance's token." },
    webhook: webhookCreatedAnswer,
    websocket: { type: 'object', required: ['enabled'], properties: { enabled: { type: 'boolean', description: 'Always false: no websocket here.' } } },
    rabbitmq: toggle,
    nats: toggle,
    sqs: toggle,
    settings: settingsAnswer,
    qrcode: {
      ...qrAnswer,
      description: 'With qrcode: true. When the connection could not be started the QR fields are null and `message` says why.',
      properties: { ...qrAnswer.properties, message: { type: 'string' } },
    },
    chatwoot: chatwootAnswer,
  },
} as const;

/** One instance of fetchInstances; `token` only for the global key. */
export const instanceListingAnswer = {
  type: 'object',
  required: [
    'id', 'name', 'brokerName', 'connectionStatus', 'workerState', 'ownerJid', 'profileName', 'profilePicUrl', 'integration', 'number', 'businessId',
    'clientName', 'disconnectionReasonCode', 'disconnectionObject', 'disconnectionAt', 'createdAt', 'updatedAt',
    'Chatwoot', 'Proxy', 'Webhook', 'Rabbitmq', 'Nats', 'Sqs', 'Websocket', 'Setting', '_count',
  ],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    brokerName: { type: 'string', description: 'Its name on RabbitMQ, SQS and NATS.' },
    connectionStatus: state,
    workerState,
    ownerJid: textOrNull,
    profileName: textOrNull,
    profilePicUrl: textOrNull,
    integration: { enum: INTEGRATIONS },
    number: textOrNull,
    businessId: textOrNull,
    token: { type: 'string', description: 'Shown to the global key only.' },
    clientName: { type: 'string' },
    disconnectionReasonCode: { type: ['integer', 'null'] },
    disconnectionObject: { ...textOrNull, description: 'What WhatsApp said when it closed the connection, as JSON text.' },
    disconnectionAt: textOrNull,
    ...timestamps,
    Chatwoot: chatwootRowAnswer,
    Proxy: proxyFindAnswer,
    Webhook: webhookFindAnswer,
    Rabbitmq: orNull(eventIntegrationRowAnswer),
    Nats: orNull(eventIntegrationRowAnswer),
    Sqs: orNull(eventIntegrationRowAnswer),
    Websocket: orNull(eventIntegrationRowAnswer),
    Setting: settingsFindAnswer,
    _count: {
      type: 'object',
      required: ['Message', 'Contact', 'Chat'],
      properties: { Message: { type: 'integer' }, Contact: { type: 'integer' }, Chat: { type: 'integer' } },
    },
  },
} as const;

export const instanceListAnswer = { type: 'array', items: instanceListingAnswer } as const;

/** connect once connected, and restart. */
export const instanceStateView = (instanceName: string, state: ConnectionStatus) => ({ instance: { instanceName, state } });

export const connectionStateView = (instanceName: string, state: ConnectionStatus, workerState: WorkerState) => ({
  instance: { instanceName, state, workerState },
});

export const instanceDoneView = (message: string) => ({ status: 'SUCCESS' as const, error: false as const, response: { message } });

export type InstanceCreatedAnswer = Satisfies<Plain<ReturnType<typeof createdView>>, FromSchema<typeof instanceCreatedAnswer>>;
export type InstanceListingAnswer = Satisfies<Plain<ReturnType<typeof instanceListingView>>, FromSchema<typeof instanceListingAnswer>>;
export type ConnectAnswer = Satisfies<Plain<QrView> | ReturnType<typeof instanceStateView>, FromSchema<typeof connectAnswer>>;
export type ConnectionStateAnswer = Satisfies<ReturnType<typeof connectionStateView>, FromSchema<typeof connectionStateAnswer>>;
export type InstanceDoneAnswer = Satisfies<ReturnType<typeof instanceDoneView>, FromSchema<typeof instanceDoneAnswer>>;
