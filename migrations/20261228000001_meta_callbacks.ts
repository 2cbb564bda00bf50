import type { Knex } from 'knex';

// Meta's callbacks for Business instances, kept before /webhook/meta answers
// 200: Meta stops retrying once it has that answer, so the change must survive
// a crash until it has become events and stored records. A row goes away only
// once those are durable.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('meta_callbacks', (t) => {
    t.bigIncrements('id');
    t.string('instance_id', 36).notNullable().references('id').inTable('instances').onDelete('CASCADE');
    // The `value` of one `messages` change, as Meta sent it.
    t.text('value').notNullable();
    t.bigInteger('received_at').notNullable();
    // Each instance's rows in arrival order.
    t.index(['instance_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('meta_callbacks');
}
