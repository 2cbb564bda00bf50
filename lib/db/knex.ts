import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexPkg, { type Knex } from 'knex';
import type { DatabaseConfig } from '../config.js';
import { migrations } from '../../migrations/index.js';

const { knex } = knexPkg;

export type Db = Knex;

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => migrations.map(([name]) => name),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const found = migrations.find(([candidate]) => candidate === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    return found[1];
  },
};

type SqliteConnection = {
  run(sql: string, cb: (err: Error | null) => void): void;
};

function pragma(conn: SqliteConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => conn.run(sql, (err) => (err ? reject(err) : resolve())));
}

// WAL lets the worker threads' own connections read and write beside the main
// one; the busy timeout makes a writer wait instead of failing on a lock.
async function prepareSqlite(conn: SqliteConnection): Promise<void> {
  await pragma(conn, 'PRAGMA journal_mode = WAL');
  await pragma(conn, 'PRAGMA synchronous = NORMAL');
  await pragma(conn, 'PRAGMA busy_timeout = 10000');
  await pragma(conn, 'PRAGMA foreign_keys = ON');
}

export function knexConfig(database: DatabaseConfig): Knex.Config {
  const shared = { migrations: { migrationSource, tableName: 'knex_migrations' } };
  if (database.client === 'pg') {
    return { ...shared, client: 'pg', connection: database.connectionString, pool: { min: 0, max: database.poolMax } };
  }
  return {
    ...shared,
    client: 'sqlite3',
    connection: { filename: database.filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: SqliteConnection) => void) => {
        prepareSqlite(conn).then(
          () => done(null, conn),
          (err: Error) => done(err, conn),
        );
      },
    },
  };
}

export function openDb(database: DatabaseConfig): Db {
  if (database.client === 'sqlite' && database.filename !== ':memory:') {
    mkdirSync(dirname(database.filename), { recursive: true });
  }
  return knex(knexConfig(database));
}

/** Applies pending migrations; returns the names of those it applied. */
export async function migrate(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}
