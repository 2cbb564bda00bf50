import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../lib/config.js';
import { startGateway, type Gateway } from '../lib/gateway.js';
import { createLogger } from '../lib/logger.js';
import { Api } from './support/api.js';
import { eventually } from './support/eventually.js';
import { API_KEY } from './support/gateway-process.js';
import { createPaired, emulatorEnv, stateOf, waitForState } from './support/paired.js';
import { dropTestDatabase, prepareTestDatabase } from './support/test-database.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

// In process, so that the test can make one worker thread crash from the inside.
describe('a WhatsApp worker that dies', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  let gateway: Gateway;
  let api: Api;
  let dataDir: string;

  before(async () => {
    wa = await WaEmulator.start({ media: false });
    dataDir = mkdtempSync(join(tmpdir(), 'gateway-spec-'));
    const config = loadConfig({
      ...emulatorEnv(wa),
      AUTHENTICATION_API_KEY: API_KEY,
      SERVER_PORT: '0',
      SERVER_HOST: '127.0.0.1',
      DATABASE_URL: await prepareTestDatabase(dataDir),
      LOG_LEVEL: 'silent',
      LOG_BAILEYS: 'silent',
    });
    gateway = await startGateway(config, createLogger('silent'));
    api = new Api(`http://127.0.0.1:${gateway.port}`, API_KEY);
  });

  after(async () => {
    await gateway?.stop();
    await wa?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await dropTestDatabase(dataDir);
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
