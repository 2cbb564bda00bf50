import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import type { Knex } from 'knex';

const CREDS_KEY = 'creds';

export interface StoredAuthState {
  state: AuthenticationState;
  /** Whether a paired session exists, i.e. a login needs no QR. */
  registered: boolean;
  saveCreds(): Promise<void>;
  /** Forgets the session: the next connection starts a new pairing. */
  clear(): Promise<void>;
}

const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
const decode = <T>(text: string): T => JSON.parse(text, BufferJSON.reviver) as T;

/**
 * Baileys' creds and Signal keys in the `auth_state` table, one row per key.
 * Key writes arrive in batches from Baileys' key-store transactions and are
 * applied in one database transaction, so a crash never leaves half a batch.
 */
export async function useDatabaseAuthState(db: Knex, instanceId: string): Promise<StoredAuthState> {
  const table = () => db('auth_state');
  const row = (await table().where({ instance_id: instanceId, key: CREDS_KEY }).first()) as { value: string } | undefined;
  const creds: AuthenticationCreds = row ? decode<AuthenticationCreds>(row.value) : initAuthCreds();

  async function get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
    const found: { [id: string]: SignalDataTypeMap[T] } = {};
    if (ids.length === 0) return found;
    const keys = ids.map((id) => `${type}-${id}`);
    // SQLite limits bound parameters per statement; 500 stays well below it.
    for (let start = 0; start < keys.length; start += 500) {
      const rows = (await table()
        .select('key', 'value')
        .where({ instance_id: instanceId })
        .whereIn('key', keys.slice(start, start + 500))) as { key: string; value: string }[];
      for (const { key, value } of rows) {
        const id = key.slice(type.length + 1);
        let parsed = decode<SignalDataTypeMap[T]>(value);
        if (type === 'app-state-sync-key') {
          parsed = proto.Message.AppStateSyncKeyData.fromObject(parsed as object) as unknown as SignalDataTypeMap[T];
        }
        found[id] = parsed;
      }
    }
    return found;
  }

  async function set(data: SignalDataSet): Promise<void> {
    const upserts: { instance_id: string; key: string; value: string }[] = [];
    const deletes: string[] = [];
    for (const [type, entries] of Object.entries(data)) {
      for (const [id, value] of Object.entries(entries ?? {})) {
        const key = `${type}-${id}`;
        if (value === null || value === undefined) deletes.push(key);
        else upserts.push({ instance_id: instanceId, key, value: encode(value) });
      }
    }
    await db.transaction(async (trx) => {
      for (let start = 0; start < upserts.length; start += 200) {
        await trx('auth_state')
          .insert(upserts.slice(start, start + 200))
          .onConflict(['instance_id', 'key'])
          .merge(['value']);
      }
      for (let start = 0; start < deletes.length; start += 500) {
        await trx('auth_state').where({ instance_id: instanceId }).whereIn('key', deletes.slice(start, start + 500)).delete();
      }
    });
  }

  const state: AuthenticationState = { creds, keys: { get, set } };
  return {
    state,
    get registered() {
      // `me` alone is not enough: asking for a pairing code sets it before any pairing.
      return Boolean(state.creds.account && state.creds.me?.id);
    },
    async saveCreds() {
      await table()
        .insert({ instance_id: instanceId, key: CREDS_KEY, value: encode(state.creds) })
        .onConflict(['instance_id', 'key'])
        .merge(['value']);
    },
    async clear() {
      await table().where({ instance_id: instanceId }).delete();
      state.creds = initAuthCreds();
    },
  };
}
