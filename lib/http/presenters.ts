// Response bodies in the shapes Evolution API v2 clients read.
import type { Instance } from '../db/instances.js';
import { chatwootView } from '../instance-config/chatwoot.js';
import { eventIntegrationView, type EventIntegrationKind } from '../instance-config/event-integration.js';
import { proxyView } from '../instance-config/proxy.js';
import { settingsView } from '../instance-config/settings.js';
import { webhookCreatedView, webhookView } from '../instance-config/webhook.js';
import type { FirstQrView } from '../instances/create.js';
import type { InstanceListing } from '../instances/listing.js';
import type { InstanceSpec } from '../instances/spec.js';

/** Sets a JSON body; `null` is sent as the JSON literal (Koa would answer 204 otherwise). */
export function respondJson(ctx: { body: unknown; type: string; status: number }, value: unknown, status = 200): void {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = value === null ? 'null' : value;
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
    webhook: webhookCreatedView(spec.webhook),
    websocket: { enabled: false },
    rabbitmq: toggle('rabbitmq'),
    nats: toggle('nats'),
    sqs: toggle('sqs'),
    settings: settingsView(spec.settings),
    ...(qr ? { qrcode: qr } : {}),
    ...(spec.chatwoot ? { chatwoot: chatwootView(spec.chatwoot, ctx.serverUrl, instance.name) } : {}),
  };
}

/** Adds the row bookkeeping fields Evolution includes in stored configuration. */
export function withRow<T extends object>(instanceId: string, stored: { createdAt: string; updatedAt: string }, value: T) {
  return { ...value, createdAt: stored.createdAt, updatedAt: stored.updatedAt, instanceId };
}

/** withRow for a set's answer: the row just saved, read back (absent if the instance went meanwhile). */
export function withSavedRow<T extends object>(instanceId: string, stored: { createdAt: string; updatedAt: string } | undefined, value: T) {
  return { ...value, createdAt: stored?.createdAt, updatedAt: stored?.updatedAt, instanceId };
}

/** One item of GET /instance/fetchInstances. */
export function instanceListingView(listing: InstanceListing, showToken: boolean, serverUrl: string, clientName: string) {
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
    clientName,
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
