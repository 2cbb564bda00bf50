import { expect } from 'chai';
import pg from 'pg';
import type { Api } from './support/api.js';
import { GatewayProcess } from './support/gateway-process.js';
import { emulatorEnv, stateOf, waitForState } from './support/paired.js';
import { postgresDatabaseName, postgresUrl, testDatabase } from './support/test-database.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const COUNT = 30;
const POOL_MAX = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples how many connections the server has open to one database, and keeps the highest. */
class ConnectionSampler {
  highest = 0;
  samples = 0;
  private running = true;
  private readonly done: Promise<void>;

  private constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {
    this.done = this.loop();
  }

  static async start(database: string): Promise<ConnectionSampler> {
    // Connected to another database, so that the sampler is never counted itself.
    const client = new pg.Client({ connectionString: postgresUrl('postgres') });
    await client.connect();
    return new ConnectionSampler(client, database);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const result = await this.client.query<{ n: number }>(
        'select count(*)::int as n from pg_stat_activity where datname = $1',
        [this.database],
      );
      this.highest = Math.max(this.highest, result.rows[0].n);
      this.samples += 1;
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    await this.client.end();
  }
}

/**
 * Creates with `qrcode: true` and pairs. With many workers starting at once the
 * create may answer before the first QR exists; /instance/connect hands it out then.
 */
async function createAndPair(api: Api, wa: WaEmulator, name: string, phone: string): Promise<void> {
  const created = await api.post('/instance/create', { instanceName: name, qrcode: true });
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  let code: string | null = (created.body.qrcode.code as string | null) || null;
  const deadline = Date.now() + 60_000;
  while (!code && Date.now() < deadline) {
    await sleep(500);
    code = ((await api.get(`/instance/connect/${name}`)).body.code as string | null) || null;
  }
  if (!code) throw new Error(`no QR for ${name} within 60 s`);
  await wa.scanQr(code, { phone, name: `Owner of ${name}` });
  await waitForState(api, name, 'open', 60_000);
}

describe(`PostgreSQL connections with DATABASE_POOL_MAX=${POOL_MAX}`, function () {
  this.timeout(240_000);
  let wa: WaEmulator;
  let gateway: GatewayProcess;
  let api: Api;
  let sampler: ConnectionSampler | undefined;

  before(async function () {
    if (testDatabase !== 'postgres') {
      console.warn('      skipped: runs with TEST_DATABASE=postgres only');
      this.skip();
    }
    wa = await WaEmulator.start({ media: false });
    gateway = await GatewayProcess.start({ env: { ...emulatorEnv(wa), DATABASE_POOL_MAX: String(POOL_MAX) } });
    api = gateway.api();
  });

  after(async () => {
    await sampler?.stop();
    await gateway?.stop();
    await gateway?.removeData();
    await wa?.stop();
  });

  it(`stay within the pool while ${COUNT} instances pair at the same time`, async () => {
    const running = await ConnectionSampler.start(postgresDatabaseName(gateway.dataDir));
    sampler = running;
    const names = Array.from({ length: COUNT }, (_, i) => `pool-${String(i + 1).padStart(2, '0')}`);
    // Pairing may fail once the server runs out of connections: the count is
    // checked first, as it tells why.
    const pairing = Promise.all(names.map((name, i) => createAndPair(api, wa, name, `1555200${String(i).padStart(4, '0')}`))).then(
      async () => {
        // Sessions keep writing keys and messages after the login: keep sampling a while.
        await sleep(2_000);
        return null;
      },
      (error: unknown) => error,
    );
    const failure = await pairing;
    await running.stop();
    sampler = undefined;

    expect(running.samples, 'samples taken').to.be.above(10);
    expect(running.highest, 'the gateway used its database').to.be.above(0);
    expect(running.highest, 'connections to the gateway database at the busiest moment').to.be.at.most(POOL_MAX);
    if (failure) throw failure;
    for (const name of names) expect(await stateOf(api, name)).to.include({ state: 'open', workerState: 'running' });
  });
});
