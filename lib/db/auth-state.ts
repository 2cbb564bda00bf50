import type { Knex } from 'knex';

/** The row that holds Baileys' creds; every other row is a Signal key (`<type>-<id>`). */
export const CREDS_KEY = 'creds';

/** SQLite limits bound parameters per statement; these chunk sizes stay well below it. */
const READ_CHUNK = 500;
const WRITE_CHUNK = 200;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/**
 * An instance's WhatsApp session: Baileys' creds and Signal keys in the
 * `auth_state` table, one row per key, values as BufferJSON text. Only the
 * store uses it; workers reach it through the store's messages.
 */
export class AuthStateRepository {
  constructor(private readonly db: Knex) {}

  async creds(instanceId: string): Promise<string | null> {
    const row = (await this.db('auth_state').where({ instance_id: instanceId, key: CREDS_KEY }).first('value')) as
      | { value: string }
      | undefined;
    return row?.value ?? null;
  }

  async keys(instanceId: string, keys: string[]): Promise<Record<string, string>> {
    const found: Record<string, string> = {};
    for (const part of chunks(keys, READ_CHUNK)) {
      const rows = (await this.db('auth_state')
        .select('key', 'value')
        .where({ instance_id: instanceId })
        .whereIn('key', part)) as { key: string; value: string }[];
      for (const { key, value } of rows) found[key] = value;
    }
    return found;
  }

  async apply(instanceId: string, upserts: [string, string][], deletes: string[]): Promise<void> {
    for (const part of chunks(upserts, WRITE_CHUNK)) {
      await this.db('auth_state')
        .insert(part.map(([key, value]) => ({ instance_id: instanceId, key, value })))
        .onConflict(['instance_id', 'key'])
        .merge(['value']);
    }
    for (const part of chunks(deletes, READ_CHUNK)) {
      await this.db('auth_state').where({ instance_id: instanceId }).whereIn('key', part).delete();
    }
  }

  async saveCreds(instanceId: string, creds: string): Promise<void> {
    await this.apply(instanceId, [[CREDS_KEY, creds]], []);
  }

  async clear(instanceId: string): Promise<void> {
    await this.db('auth_state').where({ instance_id: instanceId }).delete();
  }
}
