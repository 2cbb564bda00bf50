import type { Knex } from 'knex';

export interface ChatwootMessageLink { conversationId: number; messageId: number }

/** Each instance's Chatwoot inbox, and the Chatwoot message each WhatsApp message became. */
export class ChatwootLinkRepository {
  constructor(private readonly db: Knex) {}

  async inboxId(instanceId: string): Promise<number | null> {
    const row = (await this.db('chatwoot_inboxes').where({ instance_id: instanceId }).first('inbox_id')) as { inbox_id: number } | undefined;
    return row ? Number(row.inbox_id) : null;
  }

  async saveInbox(instanceId: string, inboxId: number, now = Date.now()): Promise<void> {
    await this.db('chatwoot_inboxes')
      .insert({ instance_id: instanceId, inbox_id: inboxId, updated_at: now })
      .onConflict('instance_id')
      .merge(['inbox_id', 'updated_at']);
  }

  async forgetInbox(instanceId: string): Promise<void> {
    await this.db('chatwoot_inboxes').where({ instance_id: instanceId }).delete();
  }

  /** Whether the instance is still there: its links go when it is deleted. */
  async instanceExists(instanceId: string): Promise<boolean> {
    return Boolean(await this.db('instances').where({ id: instanceId }).first('id'));
  }

  async message(instanceId: string, whatsappId: string): Promise<ChatwootMessageLink | null> {
    const row = (await this.db('chatwoot_messages').where({ instance_id: instanceId, whatsapp_id: whatsappId }).first()) as
      | { conversation_id: number; message_id: number }
      | undefined;
    return row ? { conversationId: Number(row.conversation_id), messageId: Number(row.message_id) } : null;
  }

  async saveMessage(instanceId: string, whatsappId: string, link: ChatwootMessageLink): Promise<void> {
    await this.db('chatwoot_messages')
      .insert({ instance_id: instanceId, whatsapp_id: whatsappId, conversation_id: link.conversationId, message_id: link.messageId })
      .onConflict(['instance_id', 'whatsapp_id'])
      .merge(['conversation_id', 'message_id']);
  }

  /** The WhatsApp messages a Chatwoot message became (several for a message with files). */
  async whatsappIds(instanceId: string, messageId: number): Promise<string[]> {
    const rows = (await this.db('chatwoot_messages').where({ instance_id: instanceId, message_id: messageId }).select('whatsapp_id')) as { whatsapp_id: string }[];
    return rows.map((r) => r.whatsapp_id);
  }
}
