import type { Knex } from 'knex';
import type { MessageRecord } from '../messages/types.js';
import { bool, jsonOr, nowIso, type Row } from './rows.js';
import { countedPage } from './snapshot.js';

export interface StoredMessage extends MessageRecord {
  id: number;
}

export interface MessageFilter {
  remoteJid?: string;
  fromMe?: boolean;
  id?: string;
  messageType?: string;
  /** Unix seconds, inclusive. */
  timestampGte?: number;
  timestampLte?: number;
}

export interface Page<T> {
  total: number;
  pages: number;
  currentPage: number;
  records: T[];
}

function fromRow(r: Row): StoredMessage {
  const extra = jsonOr<{ remoteJidAlt?: string; participantAlt?: string; contextInfo?: Record<string, unknown> | null; source?: string }>(r.extra, {});
  return {
    id: Number(r.id),
    key: {
      id: String(r.key_id),
      remoteJid: String(r.remote_jid),
      fromMe: bool(r.from_me),
      ...(r.participant ? { participant: String(r.participant) } : {}),
      ...(extra.remoteJidAlt ? { remoteJidAlt: extra.remoteJidAlt } : {}),
      ...(extra.participantAlt ? { participantAlt: extra.participantAlt } : {}),
    },
    pushName: r.push_name == null ? null : String(r.push_name),
    status: String(r.status ?? 'PENDING'),
    message: jsonOr<Record<string, unknown>>(r.message, {}),
    messageType: String(r.message_type),
    messageTimestamp: Number(r.message_timestamp),
    instanceId: String(r.instance_id),
    source: extra.source ?? 'unknown',
    contextInfo: extra.contextInfo ?? null,
  };
}

/** Messages, contacts and chats of instances: written by workers, read by the chat routes. */
export class MessageRepository {
  constructor(private readonly db: Knex) {}

  async upsertMessages(records: MessageRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = nowIso();
    const rows = records.map((m) => ({
      instance_id: m.instanceId,
      key_id: m.key.id,
      remote_jid: m.key.remoteJid,
      from_me: m.key.fromMe,
      participant: m.key.participant ?? null,
      push_name: m.pushName,
      message_type: m.messageType,
      message: JSON.stringify(m.message),
      message_timestamp: m.messageTimestamp,
      status: m.status,
      // The alternate addresses ride in `extra`: no column of their own to migrate.
      extra: JSON.stringify({ remoteJidAlt: m.key.remoteJidAlt, participantAlt: m.key.participantAlt, contextInfo: m.contextInfo ?? null, source: m.source }),
      created_at: now,
    }));
    for (let start = 0; start < rows.length; start += 50) {
      await this.db('messages')
        .insert(rows.slice(start, start + 50))
        .onConflict(['instance_id', 'remote_jid', 'key_id', 'from_me'])
        .merge(['push_name', 'message_type', 'message', 'message_timestamp', 'status', 'extra']);
    }
  }

  async updateStatus(instanceId: string, key: { id: string; remoteJid: string; fromMe: boolean }, status: string): Promise<void> {
    await this.db('messages')
      .where({ instance_id: instanceId, key_id: key.id, remote_jid: key.remoteJid, from_me: key.fromMe })
      .update({ status });
  }

  async find(instanceId: string, key: { id: string; remoteJid?: string }): Promise<StoredMessage | undefined> {
    const query = this.db('messages').where({ instance_id: instanceId, key_id: key.id });
    if (key.remoteJid) query.andWhere({ remote_jid: key.remoteJid });
    const row = (await query.first()) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Newest first, `pageSize` per page, pages numbered from 1. */
  async page(instanceId: string, filter: MessageFilter, page: number, pageSize: number): Promise<Page<StoredMessage>> {
    const base = (db: Knex) => {
      const query = db('messages').where({ instance_id: instanceId });
      if (filter.remoteJid !== undefined) query.andWhere({ remote_jid: filter.remoteJid });
      if (filter.fromMe !== undefined) query.andWhere({ from_me: filter.fromMe });
      if (filter.id !== undefined) query.andWhere({ key_id: filter.id });
      if (filter.messageType !== undefined) query.andWhere({ message_type: filter.messageType });
      if (filter.timestampGte !== undefined) query.andWhere('message_timestamp', '>=', filter.timestampGte);
      if (filter.timestampLte !== undefined) query.andWhere('message_timestamp', '<=', filter.timestampLte);
      return query;
    };
    const { total, rows } = await countedPage<Row>(this.db, base, (query) =>
      query
        .orderBy('message_timestamp', 'desc')
        .orderBy('id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize),
    );
    return { total, pages: Math.ceil(total / pageSize), currentPage: page, records: rows.map(fromRow) };
  }
}
