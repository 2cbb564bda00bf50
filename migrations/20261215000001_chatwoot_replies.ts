import type { Knex } from 'knex';

// Agent messages Chatwoot posted to the webhook, kept until they are sent to
// WhatsApp: keyed by the Chatwoot message, so a webhook delivered twice (or
// again after a restart) is sent once. The WhatsApp ids are chosen before the
// send, so a send repeated after a crash carries the same id.
// Also: the WhatsApp messages a Chatwoot message became, looked up by the
// Chatwoot message for replies and deletes.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('chatwoot_replies', (t) => {
    t.string('instance_id', 100).notNullable();
    t.integer('chatwoot_message_id').notNullable();
    t.integer('conversation_id').notNullable();
    /** What to send, as JSON (lib/chatwoot/agent-message.ts). */
    t.text('payload').notNullable();
    /** pending | sent | failed */
    t.string('status', 16).notNullable();
    /** Parts already sent, in order. */
    t.integer('parts_sent').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['instance_id', 'chatwoot_message_id']);
    t.index(['status']);
  });
  await knex.schema.alterTable('chatwoot_messages', (t) => {
    t.index(['instance_id', 'message_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('chatwoot_messages', (t) => {
    t.dropIndex(['instance_id', 'message_id']);
  });
  await knex.schema.dropTable('chatwoot_replies');
}
