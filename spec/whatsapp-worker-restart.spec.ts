import { expect } from 'chai';
import type { Gateway } from '../lib/gateway.js';
import type { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { startInProcess, type InProcessGateway } from './support/in-process-gateway.js';
import { createPaired, emulatorEnv, stateOf, waitForState } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

// In process, so that the test can make one worker thread crash from the inside.
describe('a WhatsApp worker that dies', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let running: InProcessGateway;
  let gateway: Gateway;
  let api: Api;

  before(async () => {
    wa = await WaEmulator.start({ media: false });
    running = await startInProcess(emulatorEnv(wa));
    ({ gateway, api } = running);
  });

  after(async () => {
    await running?.stop();
    await wa?.stop();
  });

  it('goes down cleanly, is restarted by the supervisor, and logs in again with the saved session, without a QR', async () => {
    const { instanceId } = await createPaired(api, wa, 'fragile', '15550003001');
    const pairingsBefore = wa.stanzas.filter((s) => s.dir === 'out' && s.summary.includes('pair-device')).length;

    expect(await gateway.supervisor.injectFault({ id: instanceId, name: 'fragile' }, 'throw', 'a bug in a handler')).to.equal(true);
    await eventually(async () => (await stateOf(api, 'fragile')).state !== 'open', 5_000, 'the drop');
    await waitForState(api, 'fragile', 'open', 10_000);

    expect((await stateOf(api, 'fragile')).workerState).to.equal('running');
    const pairingsAfter = wa.stanzas.filter((s) => s.dir === 'out' && s.summary.includes('pair-device')).length;
    expect(pairingsAfter, 'no new QR was asked for').to.equal(pairingsBefore);
    expect(wa.connections('15550003001')).to.equal(1);
  });
});
