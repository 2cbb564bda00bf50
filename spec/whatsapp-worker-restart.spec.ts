import { expect } from 'chai';
import type { Gateway } from '../lib/gateway.js';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { startInProcess, type InProcessGateway } from './support/in-process-gateway.js';
import { createPaired, emulatorEnv, stateOf, waitForState } from './support/paired.js';
import { WebhookReceiver } from './support/webhook-receiver.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

// In process, so that the test can make one worker thread crash from the inside.
describe('a WhatsApp worker that dies', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let running: InProcessGateway;
  let gateway: Gateway;
  let api: Api;
  let receiver: WebhookReceiver;

  before(async () => {
    wa = await WaEmulator.start({ media: false });
    receiver = await WebhookReceiver.start();
    running = await startInProcess({ ...emulatorEnv(wa), OUTBOX_POLL_MS: '50' });
    ({ gateway, api } = running);
  });

  after(async () => {
    await running?.stop();
    await wa?.stop();
    await receiver?.stop();
  });

  it('goes down cleanly, is restarted by the supervisor, and logs in again with the saved session, without a QR', async () => {
    const { instanceId } = await createPaired(api, wa, 'fragile', '15550003001', {
      webhook: { url: `${receiver.url}/hook`, events: ['STATUS_INSTANCE'] },
    });
    const pairingsBefore = wa.stanzas.filter((s) => s.dir === 'out' && s.summary.includes('pair-device')).length;

    expect(await gateway.supervisor.injectFault({ id: instanceId, name: 'fragile' }, 'throw', 'a bug in a handler')).to.equal(true);
    await eventually(async () => (await stateOf(api, 'fragile')).state !== 'open', 5_000, 'the drop');
    await waitForState(api, 'fragile', 'open', 10_000);
    // Subscribers hear of the drop and of the return.
    const statuses = () => receiver.accepted.filter((r) => r.body.event === 'status.instance').map((r) => (r.body.data as { status: string }).status);
    await eventually(() => statuses().join(',').includes('close') && statuses().at(-1) === 'open', 5_000, 'status.instance close, then open');

    expect((await stateOf(api, 'fragile')).workerState).to.equal('running');
    const pairingsAfter = wa.stanzas.filter((s) => s.dir === 'out' && s.summary.includes('pair-device')).length;
    expect(pairingsAfter, 'no new QR was asked for').to.equal(pairingsBefore);
    expect(wa.connections('15550003001')).to.equal(1);
  });
});
