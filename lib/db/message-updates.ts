import type { Knex } from 'knex';
import { bool, nowIso, strOrNull, type Row } from './rows.js';

/** One status change of a stored message, in Evolution's MessageUpdate shape. */
export interface MessageUpdate {
  id: string;
  keyId: string;
  remoteJid: string;
  fromMe: boolean;
  participant: string | null;
  pollUpdates: null;
  status: string;
  /** The stored message's id, as findMessages shows it; null while the message is not stored. */
  messageId: string | null;
  instanceId: string;
}

export interface MessageUpdateFilter {
  /** The update's own id (Evolution's `_id`). */
  id?: string;
  remoteJid?: string;
  keyId?: string;
  fromMe?: boolean;
  participant?: string;
  status?: string;
}

export interface StatusKey {
  id: string;
  remoteJid: string;
  fromMe: boolean;
  participant?: string;
}

function fromRow(r: Row): MessageUpdate {
  return {
    id: String(r.id),
    keyId: String(r.key_id),
    remoteJid: String(r.remote_jid),
    fromMe: bool(r.from_me),
    participant: strOrNull(r.participant),
    pollUpdates: null,
    status: String(r.status),
    messageId: strOrNull(r.message_id),
    instanceId: String(r.instance_id),
  };
}

/** The status history of stored messages: written by the store as workers report changes, read by findStatusMessage. */
export class MessageUpdateRepository {
  constructor(private readonly db: Knex) {}

  /** Keeps a status change of a message; one the message already had leaves nothing (as Evolution skips repeats). */
  async record(instanceId: string, key: StatusKey, status: string): Promise<void> {
    await this.db('message_updates')
      .insert({
        instance_id: instanceId,
        key_id: key.id,
        remote_jid: key.remoteJid,
        from_me: key.fromMe,
        participant: key.participant ?? null,
        status,
        created_at: nowIso(),
      })
      .onConflict(['instance_id', 'remote_jid', 'key_id', 'from_me', 'status'])
      .ignore();
  }

  /** Oldest first, `pageSize` per page, pages numbered from 1. */
  async list(instanceId: string, filter: MessageUpdateFilter, page: number, pageSize: number): Promise<MessageUpdate[]> {
    const query = this.db('message_updates as u')
      .leftJoin('messages as m', (join) => {
        join.on('m.instance_id', 'u.instance_id').andOn('m.remote_jid', 'u.remote_jid').andOn('m.key_id', 'u.key_id').andOn('m.from_me', 'u.from_me');
      })
      .where('u.instance_id', instanceId)
      .select('u.*', { message_id: 'm.id' });
    if (filter.id !== undefined) {
      // Ids are numbers: any other text matches nothing.
      if (/^\d{1,18}$/.test(filter.id)) query.andWhere('u.id', filter.id);
      else query.whereRaw('1 = 0');
    }
    if (filter.remoteJid !== undefined) query.andWhere('u.remote_jid', filter.remoteJid);
    if (filter.keyId !== undefined) query.andWhere('u.key_id', filter.keyId);
    if (filter.fromMe !== undefined) query.andWhere('u.from_me', filter.fromMe);
    if (filter.participant !== undefined) query.andWhere('u.participant', filter.participant);
    if (filter.status !== undefined) query.andWhere('u.status', filter.status);
    const rows = (await query.orderBy('u.id', 'asc').limit(pageSize).offset((page - 1) * pageSize)) as Row[];
    return rows.map(fromRow);
  }
}
