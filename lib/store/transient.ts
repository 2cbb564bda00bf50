// Which database failures are worth trying again: the database is busy, a
// connection dropped or the pool is momentarily exhausted. Anything else (a
// constraint broken, a row whose instance is gone) fails the same way again.

const TRANSIENT_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_PROTOCOL',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '40001', // PostgreSQL serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
]);

export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, name } = error as Error & { code?: unknown };
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) return true;
  // knex's pool: no connection became free in time.
  if (name === 'KnexTimeoutError') return true;
  return /SQLITE_BUSY|database is locked|Connection terminated/.test(error.message);
}
