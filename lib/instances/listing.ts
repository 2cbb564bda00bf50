import type { Knex } from 'knex';
import type { Instance } from '../db/instances.js';
import type { StoredEventIntegration } from '../db/event-integrations.js';
import type { StoredConfig } from '../db/instance-config-table.js';
import type { ChatwootConfig } from '../instance-config/chatwoot.js';
import type { EventIntegrationKind } from '../instance-config/event-integration.js';
import type { ProxyConfig } from '../instance-config/proxy.js';
import type { Settings } from '../instance-config/settings.js';
import type { WebhookConfig } from '../instance-config/webhook.js';
import type { WorkerState } from '../supervisor/supervisor.js';
import type { InstanceDeps } from './deps.js';

/** An instance with everything fetchInstances shows of it. */
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

type Counts = InstanceListing['counts'];

async function countBy(db: Knex, table: string, ids: string[]): Promise<Map<string, number>> {
  const rows = (await db(table).select('instance_id').count({ n: '*' }).whereIn('instance_id', ids).groupBy('instance_id')) as {
    instance_id: string;
    n: number | string;
  }[];
  return new Map(rows.map((row) => [row.instance_id, Number(row.n)]));
}

/** Instances with everything fetchInstances shows, in a fixed number of queries. */
export async function describeInstances(deps: InstanceDeps, instances: Instance[]): Promise<InstanceListing[]> {
  const ids = instances.map((instance) => instance.id);
  if (ids.length === 0) return [];
  const [settings, proxies, webhooks, chatwoot, integrations, workers, messages, contacts, chats] = await Promise.all([
    deps.repos.settings.findMany(ids),
    deps.repos.proxies.findMany(ids),
    deps.repos.webhooks.findMany(ids),
    deps.repos.chatwoot.findMany(ids),
    deps.repos.eventIntegrations.findMany(ids),
    deps.supervisor.snapshot(),
    countBy(deps.db, 'messages', ids),
    countBy(deps.db, 'contacts', ids),
    countBy(deps.db, 'chats', ids),
  ]);
  return instances.map((instance) => {
    const counts: Counts = {
      Message: messages.get(instance.id) ?? 0,
      Contact: contacts.get(instance.id) ?? 0,
      Chat: chats.get(instance.id) ?? 0,
    };
    return {
      instance,
      workerState: workers.get(instance.id) ?? 'stopped',
      settings: settings.get(instance.id),
      proxy: proxies.get(instance.id),
      webhook: webhooks.get(instance.id),
      chatwoot: chatwoot.get(instance.id),
      integrations: integrations.get(instance.id) ?? new Map(),
      counts,
    };
  });
}
