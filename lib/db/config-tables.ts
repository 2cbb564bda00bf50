import type { Knex } from 'knex';
import { CHATWOOT_TEMPLATE, type ChatwootConfig } from '../instance-config/chatwoot.js';
import { PROXY_DISABLED, type ProxyConfig } from '../instance-config/proxy.js';
import { DEFAULT_SETTINGS, type Settings } from '../instance-config/settings.js';
import { WEBHOOK_TEMPLATE, type WebhookConfig } from '../instance-config/webhook.js';
import { InstanceConfigTable } from './instance-config-table.js';
import { rowCodec } from './row-codec.js';

/** The tables of the configurations that are one row per instance, columns named after their fields. */
export function configTables(db: Knex) {
  return {
    settings: new InstanceConfigTable<Settings>(db, 'instance_settings', rowCodec(DEFAULT_SETTINGS)),
    proxies: new InstanceConfigTable<ProxyConfig>(db, 'instance_proxies', rowCodec(PROXY_DISABLED)),
    webhooks: new InstanceConfigTable<WebhookConfig>(db, 'webhooks', rowCodec(WEBHOOK_TEMPLATE)),
    chatwoot: new InstanceConfigTable<ChatwootConfig>(db, 'chatwoot_configs', rowCodec(CHATWOOT_TEMPLATE)),
  };
}
