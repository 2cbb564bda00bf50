import type { Knex } from 'knex';
import { brokerName } from '../lib/events/broker-name.js';

// Two changes that keep tenants apart:
// - instances.broker_name: the name the instance goes by on RabbitMQ, SQS and
//   NATS (lib/events/broker-name.ts), unique so no two instances share a
//   broker destination;
// - outbox rows belong to the instance's id, not its name, so an instance that
//   takes a deleted one's name does not inherit its pending or dead rows.

async function backfillBrokerNames(knex: Knex): Promise<void> {
  const rows = (await knex('instances').select('id', 'name')) as { id: string; name: string }[];
  const owners = new Map<string, string>();
  for (const row of rows) {
    const derived = brokerName(row.name);
    const owner = owners.get(derived);
    if (owner !== undefined) {
      throw new Error(`instances "${owner}" and "${row.name}" map to the same broker name "${derived}": rename one before migrating`);
    }
    owners.set(derived, row.name);
    await knex('instances').where({ id: row.id }).update({ broker_name: derived });
  }
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('instances', (t) => {
    t.string('broker_name', 49).nullable();
  });
  await backfillBrokerNames(knex);
  await knex.schema.alterTable('instances', (t) => {
    t.unique(['broker_name']);
  });

  await knex.schema.alterTable('outbox', (t) => {
    t.string('instance_id', 100).notNullable().defaultTo('');
  });
  // Server-wide rows ('') have no instance. Rows of an instance deleted before
  // this migration keep its name: no live instance has that id, and its
  // pending rows keep a lane of their own.
  await knex('outbox').update({
    instance_id: knex.raw('coalesce((select i.id from instances i where i.name = outbox.instance), outbox.instance)'),
  });
  await knex.schema.alterTable('outbox', (t) => {
    t.dropIndex(['sink', 'status', 'instance', 'destination', 'id']);
    t.dropIndex(['instance', 'status', 'id']);
  });
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumn('instance');
  });
  await knex.schema.alterTable('outbox', (t) => {
    // Lane heads, and dead letters of an instance, as before.
    t.index(['sink', 'status', 'instance_id', 'destination', 'id']);
    t.index(['instance_id', 'status', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.string('instance', 100).notNullable().defaultTo('');
  });
  await knex('outbox').update({
    instance: knex.raw('coalesce((select i.name from instances i where i.id = outbox.instance_id), outbox.instance_id)'),
  });
  await knex.schema.alterTable('outbox', (t) => {
    t.dropIndex(['sink', 'status', 'instance_id', 'destination', 'id']);
    t.dropIndex(['instance_id', 'status', 'id']);
  });
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumn('instance_id');
    t.index(['sink', 'status', 'instance', 'destination', 'id']);
    t.index(['instance', 'status', 'id']);
  });
  await knex.schema.alterTable('instances', (t) => {
    t.dropUnique(['broker_name']);
  });
  await knex.schema.alterTable('instances', (t) => {
    t.dropColumn('broker_name');
  });
}
