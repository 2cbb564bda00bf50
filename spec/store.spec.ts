import { expect } from 'chai';
import type { Knex } from 'knex';
import sinon from 'sinon';
import { randomUUID } from 'node:crypto';
import { AuthStateRepository } from '../lib/db/auth-state.js';
import { InstanceRepository } from '../lib/db/instances.js';
import { MessageRepository } from '../lib/db/messages.js';
import { createLogger } from '../lib/logger.js';
import type { MessageRecord } from '../lib/messages/types.js';
import { Store, StoreRefusedError } from '../lib/store/store.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

const record = (instanceId: string, id: string, text: string): MessageRecord => ({
  key: { id, remoteJid: '15550000001@s.whatsapp.net', fromMe: true },
  pushName: null,
  status: 'PENDING',
  message: { conversation: text },
  messageType: 'conversation',
  messageTimestamp: 1_790_000_000,
  instanceId,
  source: 'spec',
});

/** What a busy database throws: SQLite's lock, PostgreSQL's serialization failure. */
function busy(): Error {
  return Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' });
}

describe('the store: one owner of the database for every worker', function () {
  this.timeout(30_000);
  let database: TestDatabase;
  let db: Knex;
  let ids: string[];

  const storeWith = (overrides: Partial<ConstructorParameters<typeof Store>[0]> = {}) =>
    new Store({ db, logger: createLogger('silent'), batchMax: 500, maxAttempts: 8, retryBaseMs: 5, retryMaxMs: 20, ...overrides });

  beforeEach(async () => {
    database = await openTestDatabase('store');
    db = database.db;
    ids = [randomUUID(), randomUUID(), randomUUID()];
    const instances = new InstanceRepository(db);
    for (const [i, id] of ids.entries()) {
      await instances.insert({ id, name: `worker-${i}`, token: randomUUID(), integration: 'WHATSAPP-BAILEYS', number: null, businessId: null });
    }
  });

  afterEach(async () => {
    sinon.restore();
    await database.drop();
  });

  it('commits the writes of many workers together, in order, each answered once durable', async () => {
    const store = storeWith();
    let transactions = 0;
    const real = db.transaction.bind(db);
    sinon.stub(db, 'transaction').callsFake(((work: (trx: Knex.Transaction) => Promise<unknown>) => {
      transactions += 1;
      return real(work);
    }) as unknown as typeof db.transaction);

    const writes: Promise<unknown>[] = [];
    for (let n = 0; n < 100; n += 1) {
      for (const id of ids) {
        writes.push(store.serve(id, { kind: 'keys-apply', upserts: [['session-a', JSON.stringify({ n })]], deletes: [] }));
        writes.push(store.serve(id, { kind: 'messages-upsert', records: [record(id, `m${n}`, `text ${n}`)] }));
      }
    }
    await Promise.all(writes);

    expect(transactions, 'group commit').to.be.below(writes.length / 10);
    for (const id of ids) {
      // The last batch of each worker wins: batches applied in the order sent.
      expect(await new AuthStateRepository(db).keys(id, ['session-a'])).to.deep.equal({ 'session-a': JSON.stringify({ n: 99 }) });
      expect((await new MessageRepository(db).page(id, {}, 1, 1000)).total).to.equal(100);
    }
  });

  it('retries a busy database and loses nothing', async () => {
    const store = storeWith();
    let failures = 3;
    const real = db.transaction.bind(db);
    sinon.stub(db, 'transaction').callsFake(((work: (trx: Knex.Transaction) => Promise<unknown>) =>
      failures-- > 0 ? Promise.reject(busy()) : real(work)) as unknown as typeof db.transaction);

    const answers = await Promise.all([
      store.serve(ids[0], { kind: 'creds-save', creds: '{"me":1}' }),
      store.serve(ids[1], { kind: 'keys-apply', upserts: [['pre-key-1', '{}']], deletes: [] }),
      store.recordState(ids[2], { connectionStatus: 'open' }),
    ]);
    expect(answers.slice(0, 2)).to.deep.equal([{ saved: true }, { applied: 1 }]);
    expect(failures).to.be.below(0);
    expect(await new AuthStateRepository(db).creds(ids[0])).to.equal('{"me":1}');
    expect(await new AuthStateRepository(db).keys(ids[1], ['pre-key-1'])).to.deep.equal({ 'pre-key-1': '{}' });
    expect((await new InstanceRepository(db).findById(ids[2]))?.connectionStatus).to.equal('open');
  });

  it('refuses only the write the database rejects, and tells its sender', async () => {
    const store = storeWith();
    const gone = randomUUID(); // no such instance: its rows break the foreign key
    const [kept, refused, alsoKept] = await Promise.allSettled([
      store.serve(ids[0], { kind: 'messages-upsert', records: [record(ids[0], 'ok-1', 'kept')] }),
      store.serve(gone, { kind: 'keys-apply', upserts: [['session-x', '{}']], deletes: [] }),
      store.serve(ids[1], { kind: 'messages-upsert', records: [record(ids[1], 'ok-2', 'kept too')] }),
    ]);
    expect(kept.status).to.equal('fulfilled');
    expect(alsoKept.status).to.equal('fulfilled');
    expect(refused.status).to.equal('rejected');
    expect((refused as PromiseRejectedResult).reason).to.be.instanceOf(StoreRefusedError);
    expect((await new MessageRepository(db).find(ids[0], { id: 'ok-1' }))?.message).to.deep.equal({ conversation: 'kept' });
    expect((await new MessageRepository(db).find(ids[1], { id: 'ok-2' }))?.message).to.deep.equal({ conversation: 'kept too' });
  });

  it('tells the sender when the database stays busy past the retry budget', async () => {
    const store = storeWith({ maxAttempts: 3 });
    sinon.stub(db, 'transaction').callsFake((() => Promise.reject(busy())) as unknown as typeof db.transaction);
    const error = await store.serve(ids[0], { kind: 'creds-save', creds: '{}' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(StoreRefusedError);
    sinon.restore();
    // The store goes on with later writes.
    expect(await store.serve(ids[0], { kind: 'creds-save', creds: '{"after":1}' })).to.deep.equal({ saved: true });
  });

  it('reads back what a worker needs to start: creds, keys it asks for (absent ones omitted), its configuration', async () => {
    const store = storeWith();
    await store.serve(ids[0], { kind: 'creds-save', creds: '{"registered":true}' });
    await store.serve(ids[0], { kind: 'keys-apply', upserts: [['session-1', '"s1"'], ['session-2', '"s2"']], deletes: ['session-2'] });
    expect(await store.serve(ids[0], { kind: 'auth-load' })).to.deep.equal({ creds: '{"registered":true}' });
    expect(await store.serve(ids[0], { kind: 'keys-get', keys: ['session-1', 'session-2', 'session-3'] })).to.deep.equal({
      found: { 'session-1': '"s1"' },
    });
    // Another worker sees nothing of it.
    expect(await store.serve(ids[1], { kind: 'keys-get', keys: ['session-1'] })).to.deep.equal({ found: {} });
    const config = await store.serve(ids[0], { kind: 'config-load' });
    expect(config.proxy).to.equal(null);
    expect(config.webhookBase64).to.equal(false);
    expect(config.settings.rejectCall).to.equal(false);
  });
});
