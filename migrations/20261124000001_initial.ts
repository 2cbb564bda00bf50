import type { Knex } from 'knex';

// Timestamps are ISO 8601 strings for rows people read (instances and their
// configuration) and epoch milliseconds where the code does arithmetic (outbox).

function timestamps(table: Knex.CreateTableBuilder): void {
  table.string('created_at', 32).notNullable();
  table.string('updated_at', 32).notNullable();
}

function ownedByInstance(table: Knex.CreateTableBuilder): void {
  table
    .string('instance_id', 36)
    .notNullable()
    .references('id')
    .inTable('instances')
    .onDelete('CASCADE');
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('instances', (t) => {
    t.string('id', 36).primary();
    t.string('name', 100).notNullable().unique();
    t.string('token', 255).notNullable();
    t.string('token_digest', 64).notNullable().unique();
    t.string('integration', 32).notNullable();
    t.string('number', 32).nullable();
    t.string('business_id', 64).nullable();
    t.string('connection_status', 16).notNullable().defaultTo('close');
    t.string('owner_jid', 128).nullable();
    t.string('profile_name', 255).nullable();
    t.text('profile_pic_url').nullable();
    // The user asked for this instance to be connected; restored at boot.
    t.boolean('auto_connect').notNullable().defaultTo(false);
    t.integer('disconnection_reason_code').nullable();
    t.text('disconnection_object').nullable();
    t.string('disconnection_at', 32).nullable();
    timestamps(t);
  });

  await knex.schema.createTable('instance_settings', (t) => {
    ownedByInstance(t);
    t.primary(['instance_id']);
    t.boolean('reject_call').notNullable().defaultTo(false);
    t.text('msg_call').notNullable().defaultTo('');
    t.boolean('groups_ignore').notNullable().defaultTo(false);
    t.boolean('always_online').notNullable().defaultTo(false);
    t.boolean('read_messages').notNullable().defaultTo(false);
    t.boolean('read_status').notNullable().defaultTo(false);
    t.boolean('sync_full_history').notNullable().defaultTo(false);
    timestamps(t);
  });

  await knex.schema.createTable('instance_proxies', (t) => {
    ownedByInstance(t);
    t.primary(['instance_id']);
    t.boolean('enabled').notNullable().defaultTo(false);
    t.string('host', 255).notNullable();
    t.string('port', 8).notNullable();
    t.string('protocol', 16).notNullable();
    t.string('username', 255).notNullable().defaultTo('');
    t.string('password', 255).notNullable().defaultTo('');
    timestamps(t);
  });

  await knex.schema.createTable('webhooks', (t) => {
    ownedByInstance(t);
    t.primary(['instance_id']);
    t.boolean('enabled').notNullable().defaultTo(false);
    t.text('url').notNullable();
    t.text('headers').notNullable().defaultTo('{}');
    t.boolean('by_events').notNullable().defaultTo(false);
    t.boolean('base64').notNullable().defaultTo(false);
    t.text('events').notNullable().defaultTo('[]');
    t.string('secret', 255).nullable();
    timestamps(t);
  });

  // RabbitMQ, SQS, NATS and websocket share one shape: enabled + event filter.
  await knex.schema.createTable('event_integrations', (t) => {
    ownedByInstance(t);
    t.string('kind', 16).notNullable();
    t.primary(['instance_id', 'kind']);
    t.boolean('enabled').notNullable().defaultTo(false);
    t.text('events').notNullable().defaultTo('[]');
    timestamps(t);
  });

  await knex.schema.createTable('chatwoot_configs', (t) => {
    ownedByInstance(t);
    t.primary(['instance_id']);
    t.boolean('enabled').notNullable().defaultTo(true);
    t.string('account_id', 64).notNullable();
    t.string('token', 255).notNullable();
    t.text('url').notNullable();
    t.string('name_inbox', 255).notNullable();
    t.boolean('sign_msg').notNullable().defaultTo(false);
    t.string('sign_delimiter', 32).nullable();
    t.string('number', 32).nullable();
    t.boolean('reopen_conversation').notNullable().defaultTo(false);
    t.boolean('conversation_pending').notNullable().defaultTo(false);
    t.boolean('merge_brazil_contacts').notNullable().defaultTo(false);
    t.boolean('import_contacts').notNullable().defaultTo(false);
    t.boolean('import_messages').notNullable().defaultTo(false);
    t.integer('days_limit_import_messages').notNullable().defaultTo(60);
    t.string('organization', 255).nullable();
    t.text('logo').nullable();
    t.text('ignore_jids').notNullable().defaultTo('[]');
    timestamps(t);
  });

  // Baileys creds and Signal keys, one row per key, written by the instance's worker.
  await knex.schema.createTable('auth_state', (t) => {
    ownedByInstance(t);
    t.string('key', 255).notNullable();
    t.primary(['instance_id', 'key']);
    t.text('value').notNullable();
  });

  await knex.schema.createTable('messages', (t) => {
    t.bigIncrements('id');
    ownedByInstance(t);
    t.string('key_id', 128).notNullable();
    t.string('remote_jid', 128).notNullable();
    t.boolean('from_me').notNullable();
    t.string('participant', 128).nullable();
    t.string('push_name', 255).nullable();
    t.string('message_type', 64).notNullable();
    t.text('message').notNullable();
    t.bigInteger('message_timestamp').notNullable();
    t.string('status', 32).nullable();
    // remoteJidAlt, contextInfo, source: JSON, read back with the message.
    t.text('extra').notNullable().defaultTo('{}');
    t.string('created_at', 32).notNullable();
    t.unique(['instance_id', 'remote_jid', 'key_id', 'from_me']);
    t.index(['instance_id', 'remote_jid', 'message_timestamp']);
  });

  await knex.schema.createTable('contacts', (t) => {
    ownedByInstance(t);
    t.string('remote_jid', 128).notNullable();
    t.primary(['instance_id', 'remote_jid']);
    t.string('push_name', 255).nullable();
    t.text('profile_pic_url').nullable();
    timestamps(t);
  });

  await knex.schema.createTable('chats', (t) => {
    ownedByInstance(t);
    t.string('remote_jid', 128).notNullable();
    t.primary(['instance_id', 'remote_jid']);
    t.string('name', 255).nullable();
    t.integer('unread_messages').notNullable().defaultTo(0);
    t.bigInteger('last_message_timestamp').nullable();
    timestamps(t);
  });

  // One row per event and destination. Not tied to the instance row: an
  // instance.delete event must still be delivered after the instance is gone.
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id');
    t.string('event_id', 36).notNullable();
    t.string('instance', 100).notNullable();
    t.string('sink', 16).notNullable();
    t.text('destination').notNullable();
    t.string('event', 64).notNullable();
    t.text('payload').notNullable();
    t.string('status', 16).notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable();
    t.text('last_error').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('delivered_at').nullable();
    // Lane heads: the oldest pending row per sink, instance and destination.
    t.index(['sink', 'status', 'instance', 'destination', 'id']);
    // Dead letters of an instance, retention pruning.
    t.index(['instance', 'status', 'id']);
    t.index(['status', 'delivered_at']);
  });
}

// Migrations only go forward in production; knex requires a down, which
// empties the database (useful in development only).
export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'outbox',
    'chats',
    'contacts',
    'messages',
    'auth_state',
    'chatwoot_configs',
    'event_integrations',
    'webhooks',
    'instance_proxies',
    'instance_settings',
    'instances',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
