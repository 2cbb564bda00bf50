import { expect } from 'chai';
import { openDb } from '../lib/db/knex.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv } from './support/paired.js';
import { testDatabaseConfig } from './support/test-database.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const BURST = 5_000;
const SENDER = '15550005001';
const OWNER = '15550005000';

/** Event ids the gateway had accepted (written to its outbox) for the instance's webhook. */
async function acceptedEventIds(dataDir: string, instance: string): Promise<string[]> {
  const db = openDb(await testDatabaseConfig(dataDir));
  try {
    const owner = db('instances').select('id').where({ name: instance });
    const rows = await db('outbox').whereIn('instance_id', owner).andWhere({ sink: 'webhook' }).select<{ event_id: string }[]>('event_id');
    return rows.map((row) => row.event_id);
  } finally {
    await db.destroy();
  }
}

describe('events across a crash', function () {
  this.timeout(240_000);
  let wa: WaEmulator;
  let receiver: WebhookReceiver;
  let gateway: GatewayProcess | undefined;

  before(async () => {
    wa = await WaEmulator.start({ media: false });
    receiver = await WebhookReceiver.start();
  });

  after(async () => {
    await gateway?.stop('SIGKILL');
    await gateway?.removeData();
    await wa?.stop();
    await receiver?.stop();
  });

  it(`delivers every event it had accepted when SIGKILLed in the middle of a ${BURST}-message burst`, async () => {
    const env = { ...emulatorEnv(wa), OUTBOX_POLL_MS: '50', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_RETRY_MAX_MS: '200' };
    gateway = await GatewayProcess.start({ env });
    await createPaired(gateway.api(), wa, 'burst', OWNER, { webhook: { url: `${receiver.url}/burst`, events: ['MESSAGES_UPSERT'] } });
    wa.addContact(SENDER, 'Burst sender');
    // A slow receiver, so that a backlog of accepted events waits in the outbox.
    receiver.slowDown(15);

    let sent = 0;
    const sending = (async () => {
      for (; sent < BURST; sent += 1) await wa.sendTextToClient(SENDER, OWNER, `burst ${sent}`);
    })().catch(() => undefined); // the device is gone once the gateway is killed
    const upserts = () => new Set(receiver.accepted.filter((r) => r.body.event === 'messages.upsert').map((r) => String(r.headers['x-event-id'])));
    await eventually(() => upserts().size >= 300, 60_000, 'the first deliveries');

    const killed = await gateway.stop('SIGKILL');
    expect(killed.signal).to.equal('SIGKILL');
    await sending;
    const deliveredBeforeKill = upserts();
    const accepted = await acceptedEventIds(gateway.dataDir, 'burst');
    expect(accepted.length, 'accepted events outnumber those delivered before the kill').to.be.above(deliveredBeforeKill.size);
    for (const id of deliveredBeforeKill) expect(accepted).to.include(id);

    receiver.slowDown(0);
    gateway = await GatewayProcess.start({ dataDir: gateway.dataDir, env });
    await eventually(() => upserts().size >= accepted.length, 120_000, 'every accepted event');
    const delivered = upserts();
    expect([...delivered].sort()).to.deep.equal([...new Set(accepted)].sort());
    expect(delivered.size).to.equal(accepted.length);
    // Each delivered event is one of the burst's messages, with its text.
    const texts = receiver.accepted
      .filter((r) => r.body.event === 'messages.upsert')
      .map((r) => (r.body.data as { message?: { conversation?: string } }).message?.conversation);
    expect(texts.every((text) => typeof text === 'string' && text.startsWith('burst '))).to.equal(true);
    expect(sent).to.be.at.most(BURST);
  });
});
