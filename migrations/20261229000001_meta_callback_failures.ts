import type { Knex } from 'knex';

// A callback whose handling keeps failing (a store refusal, a mapping bug) is
// set aside after a bounded number of tries, so the instance's later callbacks
// go on; it stays in the table and is tried again at the next start.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('meta_callbacks', (t) => {
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('last_error', 2000).nullable();
    t.boolean('set_aside').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('meta_callbacks', (t) => {
    t.dropColumn('attempts');
    t.dropColumn('last_error');
    t.dropColumn('set_aside');
  });
}
