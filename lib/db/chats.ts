import type { Knex } from 'knex';
import { nowIso, strOrNull, type Row } from './rows.js';

export interface Chat {
  remoteJid: string;
  name: string | null;
  unreadMessages: number;
  lastMessageTimestamp: number | null;
  createdAt: string;
  updatedAt: string;
}

export type ChatPatch = Pick<Chat, 'remoteJid'> & Partial<Pick<Chat, 'name' | 'unreadMessages' | 'lastMessageTimestamp'>>;

function fromRow(r: Row): Chat {
  return {
    remoteJid: String(r.remote_jid),
    name: strOrNull(r.name),
    unreadMessages: Number(r.unread_messages ?? 0),
    lastMessageTimestamp: r.last_message_timestamp == null ? null : Number(r.last_message_timestamp),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
  };
}

export class ChatRepository {
  constructor(private readonly db: Knex) {}

  /** Creates or updates; fields not given keep their value. */
  async upsert(instanceId: string, chats: ChatPatch[]): Promise<void> {
    const now = nowIso();
    for (const chat of chats) {
      const changes: Row = { updated_at: now };
      if (chat.name !== undefined) changes.name = chat.name;
      if (chat.unreadMessages !== undefined) changes.unread_messages = chat.unreadMessages;
      if (chat.lastMessageTimestamp !== undefined) changes.last_message_timestamp = chat.lastMessageTimestamp;
      await this.db('chats')
        .insert({ instance_id: instanceId, remote_jid: chat.remoteJid, unread_messages: 0, created_at: now, ...changes })
        .onConflict(['instance_id', 'remote_jid'])
        .merge(changes);
    }
  }

  async remove(instanceId: string, remoteJids: string[]): Promise<void> {
    await this.db('chats').where({ instance_id: instanceId }).whereIn('remote_jid', remoteJids).delete();
  }

  async list(instanceId: string, filter: { remoteJid?: string }): Promise<Chat[]> {
    // Chats without a message last on both databases: PostgreSQL sorts NULL
    // above every value, SQLite below. The jid makes ties come out the same.
    const query = this.db('chats')
      .where({ instance_id: instanceId })
      .orderByRaw('last_message_timestamp is null')
      .orderBy('last_message_timestamp', 'desc')
      .orderBy('remote_jid');
    if (filter.remoteJid) query.andWhere({ remote_jid: filter.remoteJid });
    return ((await query) as Row[]).map(fromRow);
  }
}
