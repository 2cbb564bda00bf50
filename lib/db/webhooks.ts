import type { Knex } from 'knex';
import type { EventName } from '../events/names.js';
import type { WebhookConfig } from '../instance-config/webhook.js';
import { InstanceConfigTable } from './instance-config-table.js';
import { bool, jsonOr, str, strOrNull, type Row } from './rows.js';

export function webhookRepository(db: Knex): InstanceConfigTable<WebhookConfig> {
  return new InstanceConfigTable<WebhookConfig>(
    db,
    'webhooks',
    (w) => ({
      enabled: w.enabled,
      url: w.url,
      headers: JSON.stringify(w.headers),
      by_events: w.byEvents,
      base64: w.base64,
      events: JSON.stringify(w.events),
      secret: w.secret,
    }),
    (r: Row) => ({
      enabled: bool(r.enabled),
      url: str(r.url),
      headers: jsonOr<Record<string, string>>(r.headers, {}),
      byEvents: bool(r.by_events),
      base64: bool(r.base64),
      events: jsonOr<EventName[]>(r.events, []),
      secret: strOrNull(r.secret),
    }),
  );
}
