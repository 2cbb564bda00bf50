import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import type { DatabaseConfig } from '../../lib/config.js';
import { migrate, openDb } from '../../lib/db/knex.js';
import { requireService } from './services.js';

/**
 * The database the specs run against: SQLite files by default, PostgreSQL with
 * TEST_DATABASE=postgres. Every gateway data dir gets its own database, so a
 * gateway restarted on the same data dir finds its data again.
 */
export type TestDatabaseKind = 'sqlite' | 'postgres';

function kindFromEnv(): TestDatabaseKind {
  const raw = process.env.TEST_DATABASE ?? '';
  if (raw === '' || raw === 'sqlite') return 'sqlite';
  if (raw === 'postgres') return 'postgres';
  throw new Error(`TEST_DATABASE must be sqlite or postgres (got "${raw}")`);
}

export const testDatabase: TestDatabaseKind = kindFromEnv();

export const POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };

export function postgresUrl(database: string): string {
  return `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${database}`;
}

/** A name derived from the whole path: two data dirs never share a database. */
export function postgresDatabaseName(dataDir: string): string {
  return `gateway_spec_${createHash('sha256').update(dataDir).digest('hex').slice(0, 20)}`;
}

/** Runs statements on the server's maintenance database (CREATE/DROP DATABASE need one). */
async function onMaintenanceDb<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const DUPLICATE_DATABASE = '42P04';

export async function createPostgresDatabase(name: string): Promise<void> {
  await onMaintenanceDb(async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount !== 0) return;
    try {
      await client.query(`create database "${name}"`);
    } catch (error) {
      if ((error as { code?: string }).code !== DUPLICATE_DATABASE) throw error;
    }
  });
}

/** Drops the database even if a killed gateway's connections still linger. */
export async function dropPostgresDatabase(name: string): Promise<void> {
  await onMaintenanceDb((client) => client.query(`drop database if exists "${name}" with (force)`));
}

/** DATABASE_URL for a gateway on this data dir; on PostgreSQL the database is created when missing. */
export async function prepareTestDatabase(dataDir: string): Promise<string> {
  if (testDatabase === 'sqlite') return `sqlite:${join(dataDir, 'gateway.sqlite')}`;
  const name = postgresDatabaseName(dataDir);
  await createPostgresDatabase(name);
  return postgresUrl(name);
}

/** The same database as a config for specs that open it themselves. */
export async function testDatabaseConfig(dataDir: string): Promise<DatabaseConfig> {
  if (testDatabase === 'sqlite') return { client: 'sqlite', filename: join(dataDir, 'gateway.sqlite') };
  return { client: 'pg', connectionString: await prepareTestDatabase(dataDir), poolMax: 4 };
}

/** Removes what prepareTestDatabase created on PostgreSQL; SQLite files go with the data dir. */
export async function dropTestDatabase(dataDir: string): Promise<void> {
  if (testDatabase === 'postgres') await dropPostgresDatabase(postgresDatabaseName(dataDir));
}

/** Root hook (see .mocharc.json): a PostgreSQL run needs PostgreSQL. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    if (testDatabase === 'postgres') await requireService(this, 'PostgreSQL', POSTGRES.host, POSTGRES.port);
  },
};

export interface TestDatabase {
  config: DatabaseConfig;
  db: Knex;
  drop(): Promise<void>;
}

/** A fresh, migrated database of the run's kind, for specs that talk to storage directly. */
export async function openTestDatabase(label: string): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `${label}-spec-`));
  const config = await testDatabaseConfig(dataDir);
  const db = openDb(config);
  await migrate(db);
  return {
    config,
    db,
    drop: async () => {
      await db.destroy();
      await dropTestDatabase(dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
