import type { Knex } from 'knex';

/**
 * Runs several reads against one snapshot of the database, so a count and the
 * page it describes agree even while workers keep writing. PostgreSQL needs
 * REPEATABLE READ for that (each statement of a READ COMMITTED transaction sees
 * its own snapshot); SQLite keeps the snapshot of a transaction's first read.
 */
export function readSnapshot<T>(db: Knex, read: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const config = db.client.config as Knex.Config;
  const options: Knex.TransactionConfig = config.client === 'pg' ? { isolationLevel: 'repeatable read', readOnly: true } : {};
  return db.transaction(read, options);
}

/** A query's row count and one page of its rows, read from one snapshot. */
export async function countedPage<R>(
  db: Knex,
  query: (from: Knex.Transaction) => Knex.QueryBuilder,
  page: (rows: Knex.QueryBuilder) => Knex.QueryBuilder,
): Promise<{ total: number; rows: R[] }> {
  return readSnapshot(db, async (trx) => {
    const [count] = (await query(trx).count({ n: '*' })) as { n: number | string }[];
    const rows = (await page(query(trx))) as R[];
    return { total: Number(count?.n ?? 0), rows };
  });
}
