import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config.js';
import { startGateway, type Gateway } from '../../lib/gateway.js';
import { createLogger } from '../../lib/logger.js';
import { Api } from './api.js';
import { API_KEY } from './gateway-process.js';
import { dropTestDatabase, prepareTestDatabase } from './test-database.js';

/**
 * The gateway inside the test process, for specs that must reach its
 * supervisor (to end workers from the inside). Logs stay quiet.
 */
export interface InProcessGateway {
  gateway: Gateway;
  api: Api;
  dataDir: string;
  /** Stops the gateway and starts it again on the same database (on another port: `api` follows). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startInProcess(env: Record<string, string>): Promise<InProcessGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-spec-'));
  const config = loadConfig({
    AUTHENTICATION_API_KEY: API_KEY,
    SERVER_PORT: '0',
    SERVER_HOST: '127.0.0.1',
    DATABASE_URL: await prepareTestDatabase(dataDir),
    LOG_LEVEL: 'silent',
    LOG_BAILEYS: 'silent',
    ...env,
  });
  const started = async () => {
    const gateway = await startGateway(config, createLogger('silent'));
    return { gateway, api: new Api(`http://127.0.0.1:${gateway.port}`, API_KEY) };
  };
  const running: InProcessGateway = {
    ...(await started()),
    dataDir,
    restart: async () => {
      await running.gateway.stop();
      Object.assign(running, await started());
    },
    stop: async () => {
      await running.gateway.stop();
      await dropTestDatabase(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return running;
}
