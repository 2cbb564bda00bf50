import type { Knex } from 'knex';
import type { EventName } from '../events/names.js';
import type { EventIntegration, EventIntegrationKind } from '../instance-config/event-integration.js';
import { bool, jsonOr, nowIso, type Row } from './rows.js';

export interface StoredEventIntegration extends EventIntegration {
  kind: EventIntegrationKind;
  createdAt: string;
  updatedAt: string;
}

function fromRow(row: Row): StoredEventIntegration {
  return {
    kind: String(row.kind) as EventIntegrationKind,
    enabled: bool(row.enabled),
    events: jsonOr<EventName[]>(row.events, []),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
  };
}

export class EventIntegrationRepository {
  constructor(private readonly db: Knex) {}

  async find(instanceId: string, kind: EventIntegrationKind): Promise<StoredEventIntegration | undefined> {
    const row = (await this.db('event_integrations').where({ instance_id: instanceId, kind }).first()) as
      | Row
      | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Every integration of these instances, keyed by instance id then kind. */
  async findMany(instanceIds: string[]): Promise<Map<string, Map<EventIntegrationKind, StoredEventIntegration>>> {
    const found = new Map<string, Map<EventIntegrationKind, StoredEventIntegration>>();
    if (instanceIds.length === 0) return found;
    const rows = (await this.db('event_integrations').whereIn('instance_id', instanceIds)) as Row[];
    for (const row of rows) {
      const id = String(row.instance_id);
      const byKind = found.get(id) ?? new Map<EventIntegrationKind, StoredEventIntegration>();
      const value = fromRow(row);
      byKind.set(value.kind, value);
      found.set(id, byKind);
    }
    return found;
  }

  async save(instanceId: string, kind: EventIntegrationKind, value: EventIntegration): Promise<void> {
    const now = nowIso();
    const row = {
      instance_id: instanceId,
      kind,
      enabled: value.enabled,
      events: JSON.stringify(value.events),
      updated_at: now,
    };
    await this.db('event_integrations')
      .insert({ ...row, created_at: now })
      .onConflict(['instance_id', 'kind'])
      .merge(row);
  }
}
