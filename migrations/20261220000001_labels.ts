import type { Knex } from 'knex';

// The labels of each instance's WhatsApp account, as its phone last
// described them (labels.edit): what /label/findLabels answers.

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('labels', (t) => {
    t.string('instance_id', 36).notNullable().references('id').inTable('instances').onDelete('CASCADE');
    t.string('label_id', 64).notNullable();
    t.primary(['instance_id', 'label_id']);
    t.string('name', 255).notNullable();
    /** WhatsApp's color index, as text (Evolution answers it so). */
    t.string('color', 16).notNullable();
    t.string('predefined_id', 16).nullable();
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('labels');
}
