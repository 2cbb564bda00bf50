import { expect } from 'chai';
import { openDb } from '../lib/db/knex.js';
import type { Gateway } from '../lib/gateway.js';
import type { FaultKind } from '../lib/supervisor/protocol.js';
import type { InstanceRef } from '../lib/supervisor/supervisor.js';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { startInProcess, type InProcessGateway } from './support/in-process-gateway.js';
import { createPaired, emulatorEnv, stateOf, waitForState } from './support/paired.js';
import { testDatabaseConfig } from './support/test-database.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const ROUNDS = 200;
const VICTIM_PHONE = '15550009001';
const BYSTANDER_PHONE = '15550009002';
const CONTACT = '15550009003';
const CONTACT_JID = `${CONTACT}@s.whatsapp.net`;

type Ending = 'terminate' | FaultKind | 'restart';
const ENDINGS: Ending[] = ['terminate', 'throw', 'heap', 'hang', 'restart'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

// In process, so that the test reaches the supervisor; if a worker's end could
// still take the process down, it would take this test run with it.
describe('instance workers ended at random moments', function () {
  this.timeout(600_000);
  let wa: WaEmulator;
  let running: InProcessGateway;
  let gateway: Gateway;
  let api: Api;

  before(async () => {
    wa = await WaEmulator.start({ media: false });
    running = await startInProcess({
      ...emulatorEnv(wa),
      // A stopping worker gets 1 ms to close before it is terminated.
      WORKER_STOP_TIMEOUT_MS: '1',
      WORKER_MAX_RESTARTS: '100000',
      WORKER_BACKOFF_BASE_MS: '5',
      WORKER_BACKOFF_MAX_MS: '50',
      // Small enough that an exhausted heap comes quickly, large enough for Baileys.
      WORKER_OLD_GENERATION_MB: '96',
    });
    ({ gateway, api } = running);
  });

  after(async () => {
    await running?.stop();
    await wa?.stop();
  });

  it('survives 200 worker endings of every kind during traffic; the others stay open and nothing stored is torn', async () => {
    const victim: InstanceRef = { id: (await createPaired(api, wa, 'victim', VICTIM_PHONE)).instanceId, name: 'victim' };
    await createPaired(api, wa, 'bystander', BYSTANDER_PHONE);
    wa.addContact(CONTACT, 'Dora Contact');
    const pairings = () => wa.stanzas.filter((s) => s.dir === 'out' && s.summary.includes('pair-device')).length;
    const pairingsBefore = pairings();

    // Traffic on both instances for as long as the storm lasts.
    let storming = true;
    const bystanderSent: string[] = [];
    const bystanderStates = new Set<string>();
    const serverErrors: string[] = [];
    const traffic = (async () => {
      for (let i = 0; storming; i += 1) {
        const [mine, theirs] = await Promise.all([
          api.post('/message/sendText/bystander', { number: CONTACT, text: `steady ${i}` }),
          api.post('/message/sendText/victim', { number: CONTACT, text: `shaky ${i}` }),
          wa.sendTextToClient(CONTACT, VICTIM_PHONE, `to the victim ${i}`).catch(() => undefined),
          wa.sendTextToClient(CONTACT, BYSTANDER_PHONE, `to the bystander ${i}`),
        ]);
        expect(mine.status, JSON.stringify(mine.body)).to.equal(201);
        bystanderSent.push(mine.body.key.id as string);
        // While its worker is down the victim answers 400 (not connected) or 503 (gone mid-request).
        if (theirs.status >= 500 && theirs.status !== 503) serverErrors.push(JSON.stringify(theirs.body));
        bystanderStates.add((await stateOf(api, 'bystander')).state);
        await sleep(50);
      }
    })();

    const counts: Record<Ending, number> = { terminate: 0, throw: 0, heap: 0, hang: 0, restart: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      await sleep(Math.random() * 600);
      const ending = pick(ENDINGS);
      counts[ending] += 1;
      if (ending === 'terminate') await gateway.supervisor.kill(victim);
      else if (ending === 'restart') await api.post('/instance/restart/victim');
      else {
        await gateway.supervisor.injectFault(victim, ending, `fault ${round}`);
        // A stuck loop ends only by terminate(): the stop that a restart begins.
        if (ending === 'hang') await api.post('/instance/restart/victim');
      }
    }
    storming = false;
    await traffic;

    expect([...bystanderStates], 'the bystander stayed open').to.deep.equal(['open']);
    expect(serverErrors, 'no 500 from the victim').to.deep.equal([]);
    expect(Object.values(counts).every((n) => n > 0), JSON.stringify(counts)).to.equal(true);

    // The victim comes back on its saved session and still speaks Signal both ways.
    await waitForState(api, 'victim', 'open', 30_000);
    // The last ending may still be playing out (a heap filling up, a restart backing off): until
    // it has, a send finds the worker not connected (400) or gone mid-request (503), as in the storm.
    let sent = await api.post('/message/sendText/victim', { number: CONTACT, text: 'after the storm' });
    await eventually(async () => {
      if (sent.status === 201) return true;
      expect([400, 503], JSON.stringify(sent.body)).to.include(sent.status);
      sent = await api.post('/message/sendText/victim', { number: CONTACT, text: 'after the storm' });
      return sent.status === 201;
    }, 30_000, 'a send after the storm');
    expect(pairings(), 'no new pairing').to.equal(pairingsBefore);
    await eventually(() => wa.receivedMessages(CONTACT).some((m) => m.id === sent.body.key.id), 10_000, 'the contact decrypts it');
    const { id: inbound } = await wa.sendTextToClient(CONTACT, VICTIM_PHONE, 'welcome back');
    await eventually(async () => {
      const found = await api.post('/chat/findMessages/victim', { where: { key: { id: inbound } } });
      return found.body.messages.total === 1;
    }, 10_000, 'the victim decrypts and stores an incoming message');

    // Everything the bystander sent is stored.
    const storedIds = async (): Promise<Set<string>> => {
      const ids = new Set<string>();
      for (let page = 1; ; page += 1) {
        const stored = await api.post('/chat/findMessages/bystander', { where: { key: { remoteJid: CONTACT_JID, fromMe: true } }, page, offset: 1_000 });
        for (const r of stored.body.messages.records as { key: { id: string } }[]) ids.add(r.key.id);
        if (page >= stored.body.messages.pages) return ids;
      }
    };
    await eventually(async () => {
      const ids = await storedIds();
      return bystanderSent.every((id) => ids.has(id));
    }, 10_000, 'every bystander message stored');

    // Nothing half-written: every stored key and message is whole JSON.
    const db = openDb(await testDatabaseConfig(running.dataDir));
    try {
      const keys = (await db('auth_state').where({ instance_id: victim.id }).select('key', 'value')) as { key: string; value: string }[];
      expect(keys.length).to.be.above(0);
      for (const { key, value } of keys) expect(() => JSON.parse(value), key).to.not.throw();
      const messages = (await db('messages').select('key_id', 'message')) as { key_id: string; message: string }[];
      for (const { key_id: id, message } of messages) expect(() => JSON.parse(message), id).to.not.throw();
    } finally {
      await db.destroy();
    }
  });
});
