import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDb, type Db } from '../lib/db/knex.js';
import { OutboxRepository } from '../lib/db/outbox.js';
import { repositories, type Repositories } from '../lib/db/repositories.js';
import { dropTestDatabase, testDatabase, testDatabaseConfig } from './support/test-database.js';

// What the repositories answer where SQLite and PostgreSQL differ by default:
// NULL ordering, LIKE case, count types, upsert merges.
describe(`the store on ${testDatabase}`, function () {
  let dir: string;
  let db: Db;
  let repos: Repositories;
  const id = 'id-store';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'storage-spec-'));
    db = openDb(await testDatabaseConfig(dir));
    await migrate(db);
    repos = repositories(db);
    await repos.instances.insert({ id, name: 'store', token: 'token-store', integration: 'WHATSAPP-BAILEYS', number: null, businessId: null });
  });

  after(async () => {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
    await dropTestDatabase(dir);
  });

  it('lists chats newest first, chats without a message last, and keeps fields an upsert leaves out', async () => {
    await repos.chats.upsert(id, [
      { remoteJid: 'b@s.whatsapp.net', name: 'No message yet' },
      { remoteJid: 'a@s.whatsapp.net', name: 'Older', lastMessageTimestamp: 1_700_000_000 },
      { remoteJid: 'c@s.whatsapp.net', lastMessageTimestamp: 1_800_000_000 },
    ]);
    await repos.chats.upsert(id, [{ remoteJid: 'a@s.whatsapp.net', unreadMessages: 3 }]);
    const chats = await repos.chats.list(id, {});
    expect(chats.map((chat) => chat.remoteJid)).to.deep.equal(['c@s.whatsapp.net', 'a@s.whatsapp.net', 'b@s.whatsapp.net']);
    expect(chats[1]).to.include({ name: 'Older', unreadMessages: 3, lastMessageTimestamp: 1_700_000_000 });
  });

  it('finds contacts by any case of part of their name', async () => {
    await repos.contacts.upsert(id, [
      { remoteJid: '1@s.whatsapp.net', pushName: 'Carol Contact' },
      { remoteJid: '2@s.whatsapp.net', pushName: 'Dave' },
    ]);
    const found = await repos.contacts.list(id, { pushName: 'cAROL' });
    expect(found.map((contact) => contact.remoteJid)).to.deep.equal(['1@s.whatsapp.net']);
  });

  it('answers counts as numbers and booleans as booleans', async () => {
    expect(await repos.instances.count()).to.equal(1);
    await repos.instances.setAutoConnect(id, true);
    expect((await repos.instances.listAutoConnect()).map((instance) => instance.autoConnect)).to.deep.equal([true]);
    const outbox = new OutboxRepository(db);
    await outbox.append([{ eventId: 'e-1', instanceId: id, sink: 'webhook', destination: 'http://x.test', event: 'CALL', payload: '{}' }]);
    const [row] = await outbox.laneRows('webhook', { instanceId: id, destination: 'http://x.test' }, 10);
    await outbox.markFailed(row.id, { attempts: 1, nextAttemptAt: 0, error: 'down', dead: true });
    expect(await outbox.counts()).to.deep.equal({ pending: 0, delivered: 0, dead: 1 });
    const dead = await outbox.deadLetters(id, { limit: 10, offset: 0 });
    expect(dead.total).to.equal(1);
    expect(dead.rows[0]).to.include({ id: row.id, attempts: 1, status: 'dead' });
    expect(await outbox.replay(id, [row.id])).to.equal(1);
  });

  it('pages messages with a total that counts the very rows it pages, while messages keep arriving', async () => {
    const chat = 'paging@s.whatsapp.net';
    const message = (n: number) => ({
      key: { id: `PAGE${n}`, remoteJid: chat, fromMe: false },
      pushName: null,
      status: 'DELIVERY_ACK',
      message: { conversation: `message ${n}` },
      messageType: 'conversation',
      messageTimestamp: 1_700_000_000 + n,
      instanceId: id,
      source: 'android',
    });
    let writing = true;
    const writer = (async () => {
      for (let n = 0; writing; n += 1) await repos.messages.upsertMessages([message(n)]);
    })();
    try {
      for (let round = 0; round < 150; round += 1) {
        const page = await repos.messages.page(id, { remoteJid: chat }, 1, 100_000);
        expect(page.records, `round ${round}`).to.have.length(page.total);
      }
    } finally {
      writing = false;
      await writer;
    }
  });
});
