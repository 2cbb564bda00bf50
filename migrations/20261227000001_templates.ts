import type { Knex } from 'knex';

// Meta message templates created through a WHATSAPP-BUSINESS instance, as
// Evolution keeps them: Meta's answer and the webhook the client named.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('templates', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable().references('id').inTable('instances').onDelete('CASCADE');
    t.string('template_id', 64).notNullable();
    t.string('name', 512).notNullable();
    t.text('template').notNullable();
    t.string('webhook_url', 2048).nullable();
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.index(['instance_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('templates');
}
