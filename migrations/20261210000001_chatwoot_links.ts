import type { Knex } from 'knex';

// What the gateway learned from Chatwoot about each instance:
// - chatwoot_inboxes: the inbox its conversations go to;
// - chatwoot_messages: which Chatwoot message each WhatsApp message became,
//   so replies can point at it.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('chatwoot_inboxes', (t) => {
    t.string('instance_id', 100).primary();
    t.integer('inbox_id').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('chatwoot_messages', (t) => {
    t.string('instance_id', 100).notNullable();
    t.string('whatsapp_id', 200).notNullable();
    t.integer('conversation_id').notNullable();
    t.integer('message_id').notNullable();
    t.primary(['instance_id', 'whatsapp_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('chatwoot_messages');
  await knex.schema.dropTable('chatwoot_inboxes');
}
