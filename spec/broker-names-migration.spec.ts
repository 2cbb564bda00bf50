import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDb, type Db } from '../lib/db/knex.js';
import { OutboxRepository } from '../lib/db/outbox.js';
import { brokerName } from '../lib/events/broker-name.js';
import { dropTestDatabase, testDatabaseConfig } from './support/test-database.js';

const instanceRow = (id: string, name: string) => ({
  id,
  name,
  token: `token-${id}`,
  token_digest: `digest-${id}`,
  integration: 'WHATSAPP-BAILEYS',
  created_at: '2026-11-24T10:00:00.000Z',
  updated_at: '2026-11-24T10:00:00.000Z',
});

const outboxRow = (instance: string, status: string) => ({
  event_id: `e-${instance}-${status}`,
  instance,
  sink: 'webhook',
  destination: 'http://x.test',
  event: 'INSTANCE_CREATE',
  payload: '{}',
  status,
  next_attempt_at: 0,
  created_at: 0,
});

describe('migrating a database of the previous version to broker names', function () {
  this.timeout(30_000);
  let dir: string;
  let db: Db;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'broker-names-migration-'));
    db = openDb(await testDatabaseConfig(dir));
    await db.migrate.up(); // the initial schema only
  });

  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
    await dropTestDatabase(dir);
  });

  it('gives every instance its broker name and its outbox rows by id', async () => {
    await db('instances').insert([instanceRow('id-dot', 'acme.eu'), instanceRow('id-plain', 'acme_eu')]);
    await db('outbox').insert([outboxRow('acme.eu', 'dead'), outboxRow('acme_eu', 'pending'), outboxRow('', 'pending'), outboxRow('gone', 'dead')]);

    await migrate(db);

    const instances = (await db('instances').select('id', 'broker_name').orderBy('id')) as { id: string; broker_name: string }[];
    expect(instances).to.deep.equal([
      { id: 'id-dot', broker_name: brokerName('acme.eu') },
      { id: 'id-plain', broker_name: 'acme_eu' },
    ]);
    const outbox = new OutboxRepository(db);
    expect((await outbox.deadLetters('id-dot', { limit: 10, offset: 0 })).total).to.equal(1);
    expect((await outbox.laneRows('webhook', { instanceId: 'id-plain', destination: 'http://x.test' }, 10)).length).to.equal(1);
    expect((await outbox.laneRows('webhook', { instanceId: '', destination: 'http://x.test' }, 10)).length).to.equal(1);
    // A row of an instance deleted before the migration stays out of every live instance's reach.
    expect((await outbox.deadLetters('gone', { limit: 10, offset: 0 })).total).to.equal(1);
  });

  it('keeps broker names unique', async () => {
    await migrate(db);
    await db('instances').insert({ ...instanceRow('id-a', 'a.b'), broker_name: 'same' });
    let refused: unknown;
    await db('instances')
      .insert({ ...instanceRow('id-b', 'a_b'), broker_name: 'same' })
      .catch((error: unknown) => (refused = error));
    expect(refused, 'second insert with the same broker name').to.be.instanceOf(Error);
  });
});
