// Response bodies in the shapes Evolution API v2 clients read.
import type { StoredConfig } from '../db/instance-config-table.js';
import type { ChatwootConfig } from '../db/chatwoot.js';
import type { EventIntegration, EventIntegrationKind, StoredEventIntegration } from '../db/event-integrations.js';
import type { Instance } from '../db/instances.js';
import type { ProxyConfig } from '../db/proxies.js';
import type { Settings } from '../db/settings.js';
import type { WebhookConfig } from '../db/webhooks.js';
import type { FirstQrView } from '../instances/create.js';
import type { InstanceSpec } from '../instances/spec.js';
import type { WorkerState } from '../supervisor/supervisor.js';

/** Sets a JSON body; `null` is sent as the JSON literal (Koa would answer 204 otherwise). */
export function respondJson(ctx: { body: unknown; type: string; status: number }, value: unknown, status = 200): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = value === null ? 'null' : value;
}

export function chatwootWebhookUrl(serverUrl: string, instanceName: string): string {
  return `${serverUrl}/chatwoot/webhook/${encodeURIComponent(instanceName)}`;
}

export function chatwootView(config: ChatwootConfig, serverUrl: string, instanceName: string) {
  return {
    enabled: config.enabled,
    accountId: config.accountId,
    token: config.token,
    url: config.url,
    nameInbox: config.nameInbox,
    signMsg: config.signMsg,
    signDelimiter: config.signDelimiter,
    number: config.number,
    reopenConversation: config.reopenConversation,
    conversationPending: config.conversationPending,
    mergeBrazilContacts: config.mergeBrazilContacts,
    importContacts: config.importContacts,
    importMessages: config.importMessages,
    daysLimitImportMessages: config.daysLimitImportMessages,
    organization: config.organization,
    logo: config.logo,
    ignoreJids: config.ignoreJids,
    webhookUrl: chatwootWebhookUrl(serverUrl, instanceName),
  };
}

export interface CreatedContext {
  serverUrl: string;
  waBusinessVerifyToken: string;
}

/** The 201 body of POST /instance/create. */
export function createdView(instance: Instance, spec: InstanceSpec, qr: FirstQrView | null, ctx: CreatedContext) {
  const business = instance.integration === 'WHATSAPP-BUSINESS';
  const webhookWaBusiness = business ? `${ctx.serverUrl}/webhook/meta` : null;
  const accessTokenWaBusiness = business ? ctx.waBusinessVerifyToken : '';
  const toggle = (kind: keyof InstanceSpec['integrations']) => ({
    enabled: spec.integrations[kind]?.enabled ?? false,
    events: spec.integrations[kind]?.events ?? [],
  });
  return {
    instance: {
      instanceName: instance.name,
      instanceId: instance.id,
      integration: instance.integration,
      webhookWaBusiness,
      accessTokenWaBusiness,
      webhook_wa_business: webhookWaBusiness,
      access_token_wa_business: accessTokenWaBusiness,
      status: instance.connectionStatus,
    },
    hash: instance.token,
    webhook: {
      webhookUrl: spec.webhook?.url ?? '',
      webhookHeaders: spec.webhook?.headers ?? {},
      webhookByEvents: spec.webhook?.byEvents ?? false,
      webhookBase64: spec.webhook?.base64 ?? false,
      webhookEvents: spec.webhook?.events ?? [],
    },
    websocket: { enabled: false },
    rabbitmq: toggle('rabbitmq'),
    nats: toggle('nats'),
    sqs: toggle('sqs'),
    settings: settingsView(spec.settings),
    ...(qr ? { qrcode: qr } : {}),
    ...(spec.chatwoot ? { chatwoot: chatwootView(spec.chatwoot, ctx.serverUrl, instance.name) } : {}),
  };
}

export function settingsView(settings: Settings) {
  return {
    rejectCall: settings.rejectCall,
    msgCall: settings.msgCall,
    groupsIgnore: settings.groupsIgnore,
    alwaysOnline: settings.alwaysOnline,
    readMessages: settings.readMessages,
    readStatus: settings.readStatus,
    syncFullHistory: settings.syncFullHistory,
  };
}

/** The proxy as stored; the password is returned only to those who may read the token too. */
export function proxyView(proxy: ProxyConfig, showSecrets: boolean) {
  return {
    enabled: proxy.enabled,
    host: proxy.host,
    port: proxy.port,
    protocol: proxy.protocol,
    username: proxy.username,
    password: showSecrets ? proxy.password : proxy.password ? '********' : '',
  };
}

/** Evolution names the flags webhookByEvents/webhookBase64 in stored rows; both spellings are returned. */
export function webhookView(webhook: WebhookConfig) {
  return {
    enabled: webhook.enabled,
    url: webhook.url,
    headers: webhook.headers,
    byEvents: webhook.byEvents,
    base64: webhook.base64,
    webhookByEvents: webhook.byEvents,
    webhookBase64: webhook.base64,
    events: webhook.events,
    // The secret itself is write-only.
    hasSecret: webhook.secret !== null,
  };
}

export function eventIntegrationView(value: EventIntegration) {
  return { enabled: value.enabled, events: value.events };
}

/** Adds the row bookkeeping fields Evolution includes in nested objects. */
function withRow<T extends object>(instanceId: string, stored: { createdAt: string; updatedAt: string }, value: T) {
  return { ...value, createdAt: stored.createdAt, updatedAt: stored.updatedAt, instanceId };
}

export interface InstanceListing {
  instance: Instance;
  workerState: WorkerState;
  settings?: StoredConfig<Settings>;
  proxy?: StoredConfig<ProxyConfig>;
  webhook?: StoredConfig<WebhookConfig>;
  chatwoot?: StoredConfig<ChatwootConfig>;
  integrations: Map<EventIntegrationKind, StoredEventIntegration>;
  counts: { Message: number; Contact: number; Chat: number };
}

/** One item of GET /instance/fetchInstances. */
export function instanceListingView(listing: InstanceListing, showToken: boolean, serverUrl: string) {
  const { instance } = listing;
  const integration = (kind: EventIntegrationKind) => {
    const stored = listing.integrations.get(kind);
    return stored ? withRow(instance.id, stored, eventIntegrationView(stored)) : null;
  };
  return {
    id: instance.id,
    name: instance.name,
    brokerName: instance.brokerName,
    connectionStatus: instance.connectionStatus,
    workerState: listing.workerState,
    ownerJid: instance.ownerJid,
    profileName: instance.profileName,
    profilePicUrl: instance.profilePicUrl,
    integration: instance.integration,
    number: instance.number,
    businessId: instance.businessId,
    ...(showToken ? { token: instance.token } : {}),
    clientName: null,
    disconnectionReasonCode: instance.disconnectionReasonCode,
    disconnectionObject: instance.disconnectionObject,
    disconnectionAt: instance.disconnectionAt,
    createdAt: instance.createdAt,
    updatedAt: instance.updatedAt,
    Chatwoot: listing.chatwoot
      ? withRow(instance.id, listing.chatwoot, chatwootView(listing.chatwoot.value, serverUrl, instance.name))
      : null,
    Proxy: listing.proxy ? withRow(instance.id, listing.proxy, proxyView(listing.proxy.value, showToken)) : null,
    Webhook: listing.webhook ? withRow(instance.id, listing.webhook, webhookView(listing.webhook.value)) : null,
    Rabbitmq: integration('rabbitmq'),
    Nats: integration('nats'),
    Sqs: integration('sqs'),
    Websocket: integration('websocket'),
    Setting: listing.settings ? withRow(instance.id, listing.settings, settingsView(listing.settings.value)) : null,
    _count: listing.counts,
  };
}
