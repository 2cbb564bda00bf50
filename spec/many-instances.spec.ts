import { expect } from 'chai';
import type { Api } from './support/api.js';
import { GatewayProcess } from './support/gateway-process.js';
import { createPaired, emulatorEnv, stateOf } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const COUNT = 20;

describe('twenty instances at once', function () {
  this.timeout(180_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;

  before(async () => {
    wa = await WaEmulator.start({ media: false });
    gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
    api = gateway.api();
  });

  after(async () => {
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
  });

  it('pairs twenty instances, each open in its own worker thread', async () => {
    const names = Array.from({ length: COUNT }, (_, i) => `fleet-${String(i + 1).padStart(2, '0')}`);
    for (const [i, name] of names.entries()) {
      await createPaired(api, wa, name, `1555100${String(i).padStart(4, '0')}`);
    }
    for (const name of names) expect(await stateOf(api, name)).to.include({ state: 'open', workerState: 'running' });

    const health = await api.get('/health', { key: null });
    expect(health.body.workers.running).to.equal(COUNT);
    const threads = new Set(
      gateway.logs.filter((line) => line.msg === 'connected to WhatsApp').map((line) => `${String(line.instance)}:${String(line.threadId)}`),
    );
    const threadIds = new Set([...threads].map((entry) => entry.split(':')[1]));
    expect(threadIds.size, 'one thread per instance').to.equal(COUNT);
  });
});
