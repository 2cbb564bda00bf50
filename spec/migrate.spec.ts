import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseConfig } from '../lib/config.js';
import { openDb } from '../lib/db/knex.js';
import { dropTestDatabase, prepareTestDatabase, testDatabaseConfig } from './support/test-database.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MIGRATE = join(ROOT, 'dist/lib/migrate.js');
const TABLES = ['instances', 'instance_settings', 'webhooks', 'auth_state', 'messages', 'chats', 'contacts', 'outbox'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The tables of the database, and which migrations it records as applied. */
async function schemaOf(database: DatabaseConfig): Promise<{ tables: string[]; applied: string[] }> {
  const db = openDb(database);
  try {
    const tables: string[] = [];
    for (const table of TABLES) if (await db.schema.hasTable(table)) tables.push(table);
    const applied = ((await db('knex_migrations').select('name')) as { name: string }[]).map((row) => row.name);
    return { tables, applied };
  } finally {
    await db.destroy();
  }
}

describe('npm run migrate', function () {
  this.timeout(120_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'migrate-spec-'));
  });

  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropTestDatabase(dir);
  });

  it('builds, then applies the migrations to the database of DATABASE_URL', async () => {
    const url = await prepareTestDatabase(dir);
    const result = await run('npm', ['run', 'migrate', '--silent'], { cwd: ROOT, env: { DATABASE_URL: url, HOME: process.env.HOME ?? dir } });
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('"msg":"migrations applied"');
    const schema = await schemaOf(await testDatabaseConfig(dir));
    expect(schema.tables).to.deep.equal(TABLES);
    expect(schema.applied).to.include('20261124000001_initial');
  });

  it('without DATABASE_URL, uses ./data/gateway.sqlite of the current directory, as the server does', async () => {
    const first = await run(process.execPath, [MIGRATE], { cwd: dir, env: {} });
    expect(first.code, first.stderr).to.equal(0);
    const file = join(dir, 'data', 'gateway.sqlite');
    expect(existsSync(file)).to.equal(true);
    expect((await schemaOf({ client: 'sqlite', filename: file })).tables).to.deep.equal(TABLES);

    const again = await run(process.execPath, [MIGRATE], { cwd: dir, env: {} });
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.include('"msg":"database already up to date"');
  });

  it('exits 1 saying why when DATABASE_URL is not a database it knows', async () => {
    const result = await run(process.execPath, [MIGRATE], { cwd: dir, env: { DATABASE_URL: 'mysql://localhost/x' } });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/DATABASE_URL must be postgres:\/\//);
  });
});
