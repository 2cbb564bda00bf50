import { randomUUID } from 'node:crypto';
import type { ChatwootConfig } from '../db/chatwoot.js';
import type { EventIntegration, EventIntegrationKind } from '../db/event-integrations.js';
import type { ProxyConfig } from '../db/proxies.js';
import { DEFAULT_SETTINGS, type Settings } from '../db/settings.js';
import type { WebhookConfig } from '../db/webhooks.js';
import type { EventName } from '../events/names.js';
import type { CreateInstanceBody, Integration } from '../schemas/instance.js';

/** A validated create request, flat and nested forms merged (nested wins). */
export interface InstanceSpec {
  name: string;
  token: string;
  integration: Integration;
  number: string | null;
  businessId: string | null;
  qrcode: boolean;
  settings: Settings;
  proxy: ProxyConfig | null;
  webhook: WebhookConfig | null;
  integrations: Partial<Record<Exclude<EventIntegrationKind, 'websocket'>, EventIntegration>>;
  chatwoot: ChatwootConfig | null;
}

/** A fresh token in the shape Evolution clients know: an upper-case UUID. */
export function generateToken(): string {
  return randomUUID().toUpperCase();
}

export function digitsOnly(number: string): string {
  return number.replace(/\D/g, '');
}

function settingsOf(body: CreateInstanceBody): Settings {
  return {
    rejectCall: body.rejectCall ?? DEFAULT_SETTINGS.rejectCall,
    msgCall: body.msgCall ?? DEFAULT_SETTINGS.msgCall,
    groupsIgnore: body.groupsIgnore ?? DEFAULT_SETTINGS.groupsIgnore,
    alwaysOnline: body.alwaysOnline ?? DEFAULT_SETTINGS.alwaysOnline,
    readMessages: body.readMessages ?? DEFAULT_SETTINGS.readMessages,
    readStatus: body.readStatus ?? DEFAULT_SETTINGS.readStatus,
    syncFullHistory: body.syncFullHistory ?? DEFAULT_SETTINGS.syncFullHistory,
  };
}

function proxyOf(body: CreateInstanceBody): ProxyConfig | null {
  if (body.proxyHost === undefined || body.proxyPort === undefined) return null;
  return {
    enabled: true,
    host: body.proxyHost,
    port: String(body.proxyPort),
    protocol: body.proxyProtocol ?? 'http',
    username: body.proxyUsername ?? '',
    password: body.proxyPassword ?? '',
  };
}

function webhookOf(body: CreateInstanceBody): WebhookConfig | null {
  const nested = body.webhook ?? {};
  const url = nested.url ?? body.webhookUrl;
  if (url === undefined) return null;
  return {
    enabled: nested.enabled ?? true,
    url,
    headers: nested.headers ?? body.webhookHeaders ?? {},
    byEvents: nested.byEvents ?? body.webhookByEvents ?? false,
    base64: nested.base64 ?? body.webhookBase64 ?? false,
    events: [...(nested.events ?? body.webhookEvents ?? [])] as EventName[],
    secret: nested.secret ?? null,
  };
}

function toggleOf(
  nested: { enabled?: boolean; events?: readonly string[] } | undefined,
  enabled: boolean | undefined,
  events: readonly string[] | undefined,
): EventIntegration | undefined {
  const on = nested?.enabled ?? enabled;
  const list = nested?.events ?? events;
  if (on === undefined && list === undefined) return undefined;
  return { enabled: on ?? false, events: [...(list ?? [])] as EventName[] };
}

function chatwootOf(body: CreateInstanceBody, name: string): ChatwootConfig | null {
  if (body.chatwootAccountId === undefined || body.chatwootToken === undefined || body.chatwootUrl === undefined) {
    return null;
  }
  return {
    enabled: true,
    accountId: String(body.chatwootAccountId),
    token: body.chatwootToken,
    url: body.chatwootUrl.replace(/\/+$/, ''),
    nameInbox: body.chatwootNameInbox || name,
    signMsg: body.chatwootSignMsg ?? false,
    signDelimiter: null,
    number: body.number ? digitsOnly(body.number) : null,
    reopenConversation: body.chatwootReopenConversation ?? false,
    conversationPending: body.chatwootConversationPending ?? false,
    mergeBrazilContacts: body.chatwootMergeBrazilContacts ?? false,
    importContacts: body.chatwootImportContacts ?? false,
    importMessages: body.chatwootImportMessages ?? false,
    daysLimitImportMessages: body.chatwootDaysLimitImportMessages ?? 60,
    organization: body.chatwootOrganization ?? null,
    logo: body.chatwootLogo ?? null,
    ignoreJids: [],
  };
}

export function instanceSpecFrom(body: CreateInstanceBody): InstanceSpec {
  const integrations: InstanceSpec['integrations'] = {};
  const rabbitmq = toggleOf(body.rabbitmq, body.rabbitmqEnabled, body.rabbitmqEvents);
  const sqs = toggleOf(body.sqs, body.sqsEnabled, body.sqsEvents);
  const nats = toggleOf(body.nats, body.natsEnabled, body.natsEvents);
  if (rabbitmq) integrations.rabbitmq = rabbitmq;
  if (sqs) integrations.sqs = sqs;
  if (nats) integrations.nats = nats;
  return {
    name: body.instanceName,
    token: body.token ? body.token : generateToken(),
    integration: body.integration ?? 'WHATSAPP-BAILEYS',
    number: body.number ? digitsOnly(body.number) : null,
    businessId: body.businessId ?? null,
    qrcode: body.qrcode ?? false,
    settings: settingsOf(body),
    proxy: proxyOf(body),
    webhook: webhookOf(body),
    integrations,
    chatwoot: chatwootOf(body, body.instanceName),
  };
}
