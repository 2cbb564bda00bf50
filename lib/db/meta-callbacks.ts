import type { Knex } from 'knex';
import type { Row } from './rows.js';

/** One `messages` change Meta posted for a Business instance, not yet turned into events. */
export interface MetaCallback {
  id: number;
  instanceId: string;
  /** The change's `value`, as JSON text. */
  value: string;
  receivedAt: number;
}

export interface NewMetaCallback {
  instanceId: string;
  value: string;
}

function fromRow(r: Row): MetaCallback {
  return { id: Number(r.id), instanceId: String(r.instance_id), value: String(r.value), receivedAt: Number(r.received_at) };
}

/** The pending callbacks of Business instances (see migrations/20261228000001_meta_callbacks.ts). */
export class MetaCallbackRepository {
  constructor(private readonly db: Knex) {}

  /** Keeps every change of one POST in one transaction: all of them or none. */
  async append(callbacks: NewMetaCallback[]): Promise<void> {
    if (callbacks.length === 0) return;
    const receivedAt = Date.now();
    await this.db.transaction(async (trx) => {
      await trx('meta_callbacks').insert(callbacks.map((c) => ({ instance_id: c.instanceId, value: c.value, received_at: receivedAt })));
    });
  }

  /** The oldest pending callbacks of one instance, in arrival order. */
  async pending(instanceId: string, limit: number): Promise<MetaCallback[]> {
    const rows = await this.db('meta_callbacks').where({ instance_id: instanceId }).orderBy('id').limit(limit).select<Row[]>('*');
    return rows.map(fromRow);
  }

  /** Instances that have callbacks waiting (at boot, what a crash left). */
  async instancesWithPending(): Promise<string[]> {
    const rows = await this.db('meta_callbacks').distinct('instance_id').select<Row[]>();
    return rows.map((row) => String(row.instance_id));
  }

  async remove(id: number): Promise<void> {
    await this.db('meta_callbacks').where({ id }).delete();
  }
}
