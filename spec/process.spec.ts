import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../lib/config.js';
import { eventually } from './support/eventually.js';
import { GatewayProcess } from './support/gateway-process.js';
import { emulatorEnv } from './support/paired.js';
import { WaEmulator } from './support/whatsapp-emulator/index.js';

const MAIN = fileURLToPath(new URL('../lib/main.js', import.meta.url));

describe('the gateway process', function () {
  this.timeout(60_000);
  let wa: WaEmulator;
  before(async () => {
    wa = await WaEmulator.start({ media: false });
  });
  after(async () => {
    await wa?.stop();
  });

  describe('configuration', () => {
    it('has a default for everything but the API key', () => {
      const config = loadConfig({ AUTHENTICATION_API_KEY: 'k' });
      expect(config.server.port).to.equal(8080);
      expect(config.server.url).to.equal('http://localhost:8080');
      expect(config.database).to.deep.equal({ client: 'sqlite', filename: './data/gateway.sqlite' });
      expect(config.logLevel).to.equal('info');
      expect(config.workers.restoreConcurrency).to.equal(2);
    });

    it('reads PostgreSQL and SQLite database URLs', () => {
      expect(loadConfig({ AUTHENTICATION_API_KEY: 'k', DATABASE_URL: 'postgresql://u@h/db' }).database).to.deep.equal({
        client: 'pg',
        connectionString: 'postgresql://u@h/db',
        poolMax: 10,
      });
      expect(
        loadConfig({ AUTHENTICATION_API_KEY: 'k', DATABASE_URL: 'postgres://u@h/db', DATABASE_POOL_MAX: '4' }).database,
      ).to.deep.include({ poolMax: 4 });
      expect(loadConfig({ AUTHENTICATION_API_KEY: 'k', DATABASE_URL: 'sqlite:/var/lib/gw.sqlite' }).database).to.deep.equal({
        client: 'sqlite',
        filename: '/var/lib/gw.sqlite',
      });
    });

    it('lists every problem at once', () => {
      try {
        loadConfig({ SERVER_PORT: 'eighty', DATABASE_URL: 'mysql://x' });
        expect.fail('should have thrown');
      } catch (error) {
        expect(error).to.be.instanceOf(ConfigError);
        const problems = (error as ConfigError).problems;
        expect(problems).to.have.length(3);
        expect(problems[0]).to.match(/^SERVER_PORT must be an integer/);
        expect(problems.some((p) => p.startsWith('AUTHENTICATION_API_KEY is required'))).to.equal(true);
        expect(problems.some((p) => p.startsWith('DATABASE_URL must be'))).to.equal(true);
      }
    });

    it('refuses to start without AUTHENTICATION_API_KEY, saying why', () => {
      const result = spawnSync(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 10_000 });
      expect(result.status).to.equal(1);
      expect(result.stderr).to.match(/AUTHENTICATION_API_KEY is required/);
    });
  });

  describe('service routes', () => {
    let gateway: GatewayProcess;
    before(async () => {
      gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
    });
    after(async () => {
      await gateway?.stop();
      await gateway?.removeData();
    });

    it('GET / tells name, version and status without a key', async () => {
      const res = await gateway.api().get('/', { key: null });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ status: 200, name: 'wa-gateway', version: '0.1.0' });
      // Evolution's links to its manager and documentation, on the address the client used.
      expect(res.body).to.include({ manager: `${gateway.url}/manager`, documentation: `${gateway.url}/docs` });
    });

    it('GET /health tells that the database answers and how many workers run', async () => {
      const api = gateway.api();
      await api.post('/instance/create', { instanceName: 'h1' });
      await api.get('/instance/connect/h1');
      const res = await api.get('/health', { key: null });
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal('ok');
      expect(res.body.database.ok).to.equal(true);
      expect(res.body.workers.running).to.equal(1);
    });
  });

  describe('restart and shutdown', () => {
    it('exits 0 on SIGTERM before the server listens, having stopped what it started', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'gateway-spec-'));
      const child = spawn(process.execPath, [MAIN], {
        env: {
          PATH: process.env.PATH ?? '',
          AUTHENTICATION_API_KEY: 'k',
          SERVER_PORT: '0',
          SERVER_HOST: '127.0.0.1',
          DATABASE_URL: `sqlite:${join(dataDir, 'gateway.sqlite')}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const messages: string[] = [];
        let buffered = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          const lines = (buffered + chunk).split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) {
            const { msg } = JSON.parse(line) as { msg: string };
            messages.push(msg);
            // The first line: the handlers are in place, nothing is loaded or listening yet.
            if (msg === 'starting') child.kill('SIGTERM');
          }
        });
        const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
        expect({ code, signal }).to.deep.equal({ code: 0, signal: null });
        expect(messages.indexOf('signal received')).to.be.below(messages.indexOf('gateway listening'));
        expect(messages.at(-1)).to.equal('stopped');
      } finally {
        child.kill('SIGKILL');
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('restores instances that were connecting, and exits 0 on SIGTERM within 10 s', async () => {
      let gateway = await GatewayProcess.start({ env: emulatorEnv(wa) });
      const api = gateway.api();
      await api.post('/instance/create', { instanceName: 'keep-on' });
      await api.post('/instance/create', { instanceName: 'left-off' });
      const connect = await api.get('/instance/connect/keep-on');
      expect(connect.status).to.equal(200);
      expect((await api.get('/instance/connectionState/keep-on')).body.instance.workerState).to.equal('running');

      const exit = await gateway.stop('SIGTERM');
      expect(exit.code).to.equal(0);
      expect(exit.ms).to.be.below(10_000);
      expect(gateway.logs.some((line) => line.msg === 'stopped')).to.equal(true);

      gateway = await GatewayProcess.start({ dataDir: gateway.dataDir, env: emulatorEnv(wa) });
      try {
        const again = gateway.api();
        const workerOf = async (name: string) => (await again.get(`/instance/connectionState/${name}`)).body.instance.workerState;
        await eventually(async () => (await workerOf('keep-on')) === 'running', 5_000, 'keep-on restored');
        expect((await again.get('/instance/connectionState/left-off')).body.instance.workerState).to.equal('stopped');
        const sigint = await gateway.stop('SIGINT');
        expect(sigint.code).to.equal(0);
        expect(sigint.ms).to.be.below(10_000);
      } finally {
        await gateway.stop('SIGKILL');
        await gateway.removeData();
      }
    });
  });
});
