import type { Knex } from 'knex';

// The Chatwoot inbox and message links, and agent replies waiting to be sent, belong to their instance: deleting the
// instance deletes them, as it does its configuration and messages. Links of
// instances already gone are dropped first.

const TABLES = ['chatwoot_inboxes', 'chatwoot_messages', 'chatwoot_replies'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex(table).whereNotIn('instance_id', knex('instances').select('id')).delete();
    await knex.schema.alterTable(table, (t) => {
      t.foreign('instance_id').references('id').inTable('instances').onDelete('CASCADE');
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.dropForeign('instance_id');
    });
  }
}
