import type { Knex } from 'knex';
import type { AgentSend } from '../chatwoot/agent-message.js';

export type ReplyStatus = 'pending' | 'sent' | 'failed';

/** An agent's Chatwoot message on its way to WhatsApp. */
export interface ChatwootReply {
  instanceId: string;
  messageId: number;
  conversationId: number;
  send: AgentSend;
  /** The WhatsApp id of each part, chosen before it is sent. */
  whatsappIds: string[];
  status: ReplyStatus;
  partsSent: number;
}

interface StoredPayload { send: AgentSend; whatsappIds: string[] }

function fromRow(r: Record<string, unknown>): ChatwootReply {
  const payload = JSON.parse(String(r.payload)) as StoredPayload;
  return {
    instanceId: String(r.instance_id),
    messageId: Number(r.chatwoot_message_id),
    conversationId: Number(r.conversation_id),
    send: payload.send,
    whatsappIds: payload.whatsappIds,
    status: String(r.status) as ReplyStatus,
    partsSent: Number(r.parts_sent),
  };
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === 'SQLITE_CONSTRAINT' || e.code === '23505' || /UNIQUE constraint/i.test(e.message ?? '');
}

/** Agent messages accepted from Chatwoot's webhook, one row per Chatwoot message. */
export class ChatwootReplyRepository {
  constructor(private readonly db: Knex) {}

  /** Records the message; false when it was recorded before (a repeated webhook). */
  async accept(reply: Omit<ChatwootReply, 'status' | 'partsSent'>, now = Date.now()): Promise<boolean> {
    try {
      await this.db('chatwoot_replies').insert({
        instance_id: reply.instanceId,
        chatwoot_message_id: reply.messageId,
        conversation_id: reply.conversationId,
        payload: JSON.stringify({ send: reply.send, whatsappIds: reply.whatsappIds } satisfies StoredPayload),
        status: 'pending',
        parts_sent: 0,
        created_at: now,
        updated_at: now,
      });
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async find(instanceId: string, messageId: number): Promise<ChatwootReply | null> {
    const row = (await this.db('chatwoot_replies').where({ instance_id: instanceId, chatwoot_message_id: messageId }).first()) as Record<string, unknown> | undefined;
    return row ? fromRow(row) : null;
  }

  /** Messages not yet sent, oldest first: left by a restart or waiting for a connection. */
  async pending(): Promise<ChatwootReply[]> {
    const rows = (await this.db('chatwoot_replies').where({ status: 'pending' }).orderBy('created_at').orderBy('chatwoot_message_id')) as Record<string, unknown>[];
    return rows.map(fromRow);
  }

  async partSent(instanceId: string, messageId: number, partsSent: number, now = Date.now()): Promise<void> {
    await this.db('chatwoot_replies').where({ instance_id: instanceId, chatwoot_message_id: messageId }).update({ parts_sent: partsSent, updated_at: now });
  }

  async finish(instanceId: string, messageId: number, status: Exclude<ReplyStatus, 'pending'>, now = Date.now()): Promise<void> {
    await this.db('chatwoot_replies').where({ instance_id: instanceId, chatwoot_message_id: messageId }).update({ status, updated_at: now });
  }
}
