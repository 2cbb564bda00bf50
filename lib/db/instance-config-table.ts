import type { Knex } from 'knex';
import type { RowCodec } from './row-codec.js';
import { nowIso, type Row } from './rows.js';

export interface StoredConfig<T> {
  value: T;
  createdAt: string;
  updatedAt: string;
}

/**
 * A table holding at most one configuration row per instance (settings, proxy,
 * webhook, Chatwoot), its columns mapped to the value by a codec; reading,
 * upserting and removing are the same for all.
 */
export class InstanceConfigTable<T> {
  private readonly toRow: (value: T) => Row;
  private readonly fromRow: (row: Row) => T;

  constructor(
    private readonly db: Knex,
    private readonly table: string,
    codec: RowCodec<T>,
  ) {
    this.toRow = codec.toRow;
    this.fromRow = codec.fromRow;
  }

  async find(instanceId: string): Promise<StoredConfig<T> | undefined> {
    const row = (await this.db(this.table).where({ instance_id: instanceId }).first()) as Row | undefined;
    if (!row) return undefined;
    return { value: this.fromRow(row), createdAt: String(row.created_at), updatedAt: String(row.updated_at) };
  }

  async findMany(instanceIds: string[]): Promise<Map<string, StoredConfig<T>>> {
    const found = new Map<string, StoredConfig<T>>();
    if (instanceIds.length === 0) return found;
    const rows = (await this.db(this.table).whereIn('instance_id', instanceIds)) as Row[];
    for (const row of rows) {
      found.set(String(row.instance_id), {
        value: this.fromRow(row),
        createdAt: String(row.created_at),
        updatedAt: String(row.updated_at),
      });
    }
    return found;
  }

  async save(instanceId: string, value: T): Promise<void> {
    const now = nowIso();
    const row = { ...this.toRow(value), instance_id: instanceId, updated_at: now };
    await this.db(this.table)
      .insert({ ...row, created_at: now })
      .onConflict('instance_id')
      .merge(row);
  }

  async remove(instanceId: string): Promise<void> {
    await this.db(this.table).where({ instance_id: instanceId }).delete();
  }
}
