import type { Knex } from 'knex';
import type { Row } from './rows.js';

/** One `messages` change Meta posted for a Business instance, not yet turned into events. */
export interface MetaCallback {
  id: number;
  instanceId: string;
  /** The change's `value`, as JSON text. */
  value: string;
  receivedAt: number;
  /** Failed tries so far. */
  attempts: number;
}

export interface NewMetaCallback {
  instanceId: string;
  value: string;
}

function fromRow(r: Row): MetaCallback {
  return { id: Number(r.id), instanceId: String(r.instance_id), value: String(r.value), receivedAt: Number(r.received_at), attempts: Number(r.attempts ?? 0) };
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

  /** The oldest pending callbacks of one instance, in arrival order; set-aside ones are left out. */
  async pending(instanceId: string, limit: number): Promise<MetaCallback[]> {
    const rows = await this.db('meta_callbacks')
      .where({ instance_id: instanceId, set_aside: false })
      .orderBy('id')
      .limit(limit)
      .select<Row[]>('*');
    return rows.map(fromRow);
  }

  /** Instances that have callbacks waiting (at boot, what a crash left). */
  async instancesWithPending(): Promise<string[]> {
    const rows = await this.db('meta_callbacks').where({ set_aside: false }).distinct('instance_id').select<Row[]>();
    return rows.map((row) => String(row.instance_id));
  }

  /**
   * Counts a failed try of a callback; at `maxAttempts` it is set aside.
   * Answers whether it was.
   */
  async failed(callback: MetaCallback, error: string, maxAttempts: number): Promise<boolean> {
    const attempts = callback.attempts + 1;
    const setAside = attempts >= maxAttempts;
    await this.db('meta_callbacks')
      .where({ id: callback.id })
      .update({ attempts, last_error: error.slice(0, 2000), set_aside: setAside });
    return setAside;
  }

  /** Puts every set-aside callback back in its instance's queue with fresh tries; answers how many. */
  async restoreSetAside(): Promise<number> {
    return this.db('meta_callbacks').where({ set_aside: true }).update({ set_aside: false, attempts: 0 });
  }

  async remove(id: number): Promise<void> {
    await this.db('meta_callbacks').where({ id }).delete();
  }
}
