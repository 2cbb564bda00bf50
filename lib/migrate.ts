// `npm run migrate`: applies pending migrations to the database the server
// would use (same DATABASE_URL; a relative SQLite path is taken from the
// current directory, as the server does) without starting the server.
import { configuredOrExit, databaseFromEnv } from './config.js';
import { migrate, openDb } from './db/knex.js';
import { createLogger } from './logger.js';

const logger = createLogger(process.env.LOG_LEVEL || 'info');

const database = configuredOrExit(() => databaseFromEnv());
const db = openDb(database);
try {
  const applied = await migrate(db);
  const where = database.client === 'sqlite' ? { file: database.filename } : { client: 'pg' };
  logger.info({ ...where, applied }, applied.length > 0 ? 'migrations applied' : 'database already up to date');
} catch (error) {
  logger.fatal({ err: error }, 'migration failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
