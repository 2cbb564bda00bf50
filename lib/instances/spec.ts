import { randomUUID } from 'node:crypto';
import { chatwootFromCreate, type ChatwootConfig } from '../instance-config/chatwoot.js';
import { brokersFromCreate, type BrokerIntegrations } from '../instance-config/event-integration.js';
import { proxyFromCreate, type ProxyConfig } from '../instance-config/proxy.js';
import { settingsFromCreate, type Settings } from '../instance-config/settings.js';
import { webhookFromCreate, type WebhookConfig } from '../instance-config/webhook.js';
import { digitsOnly } from '../phone-number.js';
import type { CreateInstanceBody } from '../schemas/instance.js';
import type { Integration } from './integration.js';

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
  integrations: BrokerIntegrations;
  chatwoot: ChatwootConfig | null;
}

/** A fresh token in the shape Evolution clients know: an upper-case UUID. */
export function generateToken(): string {
  return randomUUID().toUpperCase();
}

export function instanceSpecFrom(body: CreateInstanceBody): InstanceSpec {
  return {
    name: body.instanceName,
    token: body.token ?? generateToken(),
    integration: body.integration ?? 'WHATSAPP-BAILEYS',
    number: body.number ? digitsOnly(body.number) : null,
    businessId: body.businessId ?? null,
    qrcode: body.qrcode ?? false,
    settings: settingsFromCreate(body),
    proxy: proxyFromCreate(body),
    webhook: webhookFromCreate(body),
    integrations: brokersFromCreate(body),
    chatwoot: chatwootFromCreate(body),
  };
}
