import type { Knex } from 'knex';

// Every status change of a message (delivered, read, played, deleted,
// edited), in the order it came: Evolution's MessageUpdate, read by
// /chat/findStatusMessage. A receipt may come before the sent message is
// stored, so a change names its message by key and is joined to it when read.
// A status is kept once per message.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('message_updates', (t) => {
    t.bigIncrements('id');
    t.string('instance_id', 36).notNullable().references('id').inTable('instances').onDelete('CASCADE');
    t.string('key_id', 128).notNullable();
    t.string('remote_jid', 128).notNullable();
    t.boolean('from_me').notNullable();
    t.string('participant', 128).nullable();
    t.string('status', 32).notNullable();
    t.string('created_at', 32).notNullable();
    t.unique(['instance_id', 'remote_jid', 'key_id', 'from_me', 'status'], { indexName: 'message_updates_once' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('message_updates');
}
