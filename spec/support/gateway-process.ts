import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api } from './api.js';
import { dropTestDatabase, prepareTestDatabase } from './test-database.js';

const MAIN = fileURLToPath(new URL('../../lib/main.js', import.meta.url));
/** The start script users run; it execs node on MAIN. */
export const BIN = fileURLToPath(new URL('../../../bin/wa-gateway', import.meta.url));
export const API_KEY = 'spec-global-key-0123456789';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** The gateway as users run it: `node dist/lib/main.js` in its own process. */
export class GatewayProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  private readonly exited: Promise<ExitResult>;
  private exitStartedAt = 0;
  port = 0;

  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
  ) {
    let buffered = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ level: 30, msg: line });
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - this.exitStartedAt }));
    });
  }

  static async start(
    options: {
      dataDir?: string;
      env?: Record<string, string>;
      /** Node options; by default source maps, for readable stacks in test output. */
      nodeArgs?: string[];
      /** Start through bin/wa-gateway instead of node (nodeArgs do not apply). */
      bin?: boolean;
    } = {},
  ): Promise<GatewayProcess> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gateway-spec-'));
    const databaseUrl = await prepareTestDatabase(dataDir);
    const [command, args] = options.bin
      ? [BIN, []]
      : [process.execPath, [...(options.nodeArgs ?? ['--enable-source-maps']), MAIN]];
    const child = spawn(command, args, {
      env: {
        PATH: process.env.PATH ?? '',
        ...(process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {}),
        AUTHENTICATION_API_KEY: API_KEY,
        SERVER_PORT: '0',
        SERVER_HOST: '127.0.0.1',
        SERVER_URL: 'http://gateway.test',
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new GatewayProcess(child, dataDir);
    const listening = await gateway.waitForLog((line) => line.msg === 'gateway listening', 20_000);
    gateway.port = Number(listening.port);
    return gateway;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  api(key = API_KEY): Api {
    return new Api(this.url, key);
  }

  async waitForLog(match: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(match);
      if (found) return found;
      if (this.child.exitCode !== null) {
        throw new Error(`gateway exited (${this.child.exitCode}): ${this.stderr.join('')}`);
      }
      if (Date.now() > deadline) throw new Error(`log line not seen within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends a signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitResult> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.exitStartedAt = Date.now();
    this.child.kill(signal);
    return this.exited;
  }

  /** Deletes the data dir and, on PostgreSQL, the gateway's database. */
  async removeData(): Promise<void> {
    rmSync(this.dataDir, { recursive: true, force: true });
    await dropTestDatabase(this.dataDir);
  }
}
