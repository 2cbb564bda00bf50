import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexPkg, { type Knex } from 'knex';
import type { DatabaseConfig } from '../../lib/config.js';
import { migrate, openDb } from '../../lib/db/knex.js';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether the specs run against PostgreSQL (TEST_DATABASE=postgres) instead of SQLite. */
export const onPostgres = process.env.TEST_DATABASE === 'postgres';

export interface TestDatabase {
  config: DatabaseConfig;
  db: Knex;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const admin = knexPkg.knex({ client: 'pg', connection: ADMIN_URL, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(sql);
  } finally {
    await admin.destroy();
  }
}

/** A fresh, migrated database of the kind the run is for: its own SQLite file or PostgreSQL database. */
export async function openTestDatabase(label: string): Promise<TestDatabase> {
  if (!onPostgres) {
    const dir = mkdtempSync(join(tmpdir(), `${label}-spec-`));
    const config: DatabaseConfig = { client: 'sqlite', filename: join(dir, 'db.sqlite') };
    const db = openDb(config);
    await migrate(db);
    return {
      config,
      db,
      drop: async () => {
        await db.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `spec_${label}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.replace(/[^a-z0-9_]/g, '_');
  await adminQuery(`create database ${name}`);
  const config: DatabaseConfig = { client: 'pg', connectionString: ADMIN_URL.replace(/\/[^/]*$/, `/${name}`) };
  const db = openDb(config);
  await migrate(db);
  return {
    config,
    db,
    drop: async () => {
      await db.destroy();
      await adminQuery(`drop database if exists ${name} with (force)`);
    },
  };
}
