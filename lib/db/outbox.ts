import type { Knex } from 'knex';
import type { EventName } from '../events/names.js';
import { countedPage } from './snapshot.js';

export const SINK_NAMES = ['webhook', 'rabbitmq', 'sqs', 'nats', 'chatwoot'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

/** One event for one destination, waiting for (or done with) delivery. */
export interface OutboxRow {
  id: number;
  eventId: string;
  /** The id of the instance the event belongs to ('' for server-wide events), never its name. */
  instanceId: string;
  sink: SinkName;
  /** Rows of the same instance and destination are delivered in id order: a lane. */
  destination: string;
  event: EventName;
  /** What the sink needs to deliver, serialised as JSON (see lib/sinks/delivery.ts). */
  payload: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export type NewOutboxRow = Pick<OutboxRow, 'eventId' | 'instanceId' | 'sink' | 'destination' | 'event' | 'payload'>;

export interface Lane {
  instanceId: string;
  destination: string;
}

/** Rows waiting (pending) or given up on (dead) for one sink and instance, with the oldest one's age. */
export interface BacklogEntry {
  sink: SinkName;
  instanceId: string;
  status: 'pending' | 'dead';
  count: number;
  /** created_at of the oldest row in the group, epoch ms. */
  oldestAt: number;
}

export const laneKey = (lane: Lane) => `${lane.instanceId}\u0000${lane.destination}`;

type DbRow = Record<string, unknown>;

function fromRow(r: DbRow): OutboxRow {
  return {
    id: Number(r.id),
    eventId: String(r.event_id),
    instanceId: String(r.instance_id),
    sink: String(r.sink) as SinkName,
    destination: String(r.destination),
    event: String(r.event) as EventName,
    payload: String(r.payload),
    status: String(r.status) as OutboxStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    lastError: r.last_error == null ? null : String(r.last_error),
    createdAt: Number(r.created_at),
    deliveredAt: r.delivered_at == null ? null : Number(r.delivered_at),
  };
}

/** The durable queue between the dispatcher and the sinks. */
export class OutboxRepository {
  constructor(private readonly db: Knex) {}

  /** Appends rows in one transaction: all of them are durable, or none. */
  async append(rows: NewOutboxRow[], now = Date.now()): Promise<void> {
    if (rows.length === 0) return;
    const records = rows.map((row) => ({
      event_id: row.eventId,
      instance_id: row.instanceId,
      sink: row.sink,
      destination: row.destination,
      event: row.event,
      payload: row.payload,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    }));
    await this.db.transaction(async (trx) => {
      // Chunks keep each statement under SQLite's bound-parameter limit.
      for (let start = 0; start < records.length; start += 80) {
        await trx('outbox').insert(records.slice(start, start + 80));
      }
    });
  }

  /**
   * The first pending row of every lane of a sink whose turn has come. A lane
   * whose head waits for a retry is skipped: later rows must not overtake it.
   */
  async dueHeads(sink: SinkName, now: number, limit: number): Promise<OutboxRow[]> {
    const heads = this.db('outbox')
      .min({ id: 'id' })
      .where({ sink, status: 'pending' })
      .groupBy('instance_id', 'destination');
    const rows = (await this.db('outbox')
      .whereIn('id', heads)
      .andWhere('next_attempt_at', '<=', now)
      .orderBy('id')
      .limit(limit)) as DbRow[];
    return rows.map(fromRow);
  }

  /** The next pending rows of one lane, oldest first. */
  async laneRows(sink: SinkName, lane: Lane, limit: number): Promise<OutboxRow[]> {
    const rows = (await this.db('outbox')
      .where({ sink, status: 'pending', instance_id: lane.instanceId, destination: lane.destination })
      .orderBy('id')
      .limit(limit)) as DbRow[];
    return rows.map(fromRow);
  }

  async markDelivered(ids: number[], now = Date.now()): Promise<void> {
    for (let start = 0; start < ids.length; start += 500) {
      await this.db('outbox')
        .whereIn('id', ids.slice(start, start + 500))
        .update({ status: 'delivered', delivered_at: now, last_error: null });
    }
  }

  async markFailed(id: number, failure: { attempts: number; nextAttemptAt: number; error: string; dead: boolean }): Promise<void> {
    await this.db('outbox')
      .where({ id })
      .update({
        status: failure.dead ? 'dead' : 'pending',
        attempts: failure.attempts,
        next_attempt_at: failure.nextAttemptAt,
        last_error: failure.error.slice(0, 2000),
      });
  }

  async deadLetters(instanceId: string, page: { limit: number; offset: number }): Promise<{ total: number; rows: OutboxRow[] }> {
    const { total, rows } = await countedPage<DbRow>(
      this.db,
      (db) => db('outbox').where({ instance_id: instanceId, status: 'dead' }),
      (query) => query.orderBy('id').limit(page.limit).offset(page.offset),
    );
    return { total, rows: rows.map(fromRow) };
  }

  /** Puts dead rows of an instance back in their lanes (all, or the given ids). Returns how many. */
  async replay(instanceId: string, ids: number[] | undefined, now = Date.now()): Promise<number> {
    const query = this.db('outbox').where({ instance_id: instanceId, status: 'dead' });
    if (ids) query.whereIn('id', ids);
    return query.update({ status: 'pending', attempts: 0, next_attempt_at: now });
  }

  /** Deletes delivered rows older than `before`; returns how many. */
  async prune(before: number): Promise<number> {
    return this.db('outbox').where({ status: 'delivered' }).andWhere('delivered_at', '<', before).delete();
  }

  /**
   * Pending and dead rows per sink and instance, in one grouped query. It reads
   * only those rows (the status index), never the delivered ones kept for retention.
   */
  async backlog(): Promise<BacklogEntry[]> {
    const rows = (await this.db('outbox')
      .select('sink', 'instance_id', 'status')
      .count({ n: '*' })
      .min({ oldest: 'created_at' })
      .whereIn('status', ['pending', 'dead'])
      .groupBy('sink', 'instance_id', 'status')) as DbRow[];
    return rows.map((r) => ({
      sink: String(r.sink) as SinkName,
      instanceId: String(r.instance_id),
      status: String(r.status) as BacklogEntry['status'],
      count: Number(r.n),
      oldestAt: Number(r.oldest),
    }));
  }

  async counts(): Promise<Record<OutboxStatus, number>> {
    const rows = (await this.db('outbox').select('status').count({ n: '*' }).groupBy('status')) as {
      status: OutboxStatus;
      n: number | string;
    }[];
    const counts: Record<OutboxStatus, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }
}
