import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
} from '@whiskeysockets/baileys';
import type { StoreClient } from './store-client.js';

export interface StoredAuthState {
  state: AuthenticationState;
  /** Whether a paired session exists, i.e. a login needs no QR. */
  registered: boolean;
  /** Resolves once the creds are durable. */
  saveCreds(): Promise<void>;
  /** Forgets the session: the next connection starts a new pairing. */
  clear(): Promise<void>;
  /** Resolves once every key batch set so far is durable. */
  durable(): Promise<void>;
}

const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
const decode = <T>(text: string): T => JSON.parse(text, BufferJSON.reviver) as T;

function revive(type: keyof SignalDataTypeMap, text: string): unknown {
  const parsed = decode<unknown>(text);
  return type === 'app-state-sync-key' ? proto.Message.AppStateSyncKeyData.fromObject(parsed as object) : parsed;
}

/**
 * Baileys' auth state kept in the worker's memory and persisted through the
 * store. Every key read once (found or not) is answered from memory after
 * that: Baileys asks for the same missing keys on every message.
 *
 * A key batch is applied to memory at once and handed to the store, which
 * commits batches in order, each whole, and acknowledges each once durable.
 * `set` does not wait for that: Baileys calls it while holding its per-socket
 * lock, after the message already went out, so waiting there would only
 * serialise sends behind commits. Callers that must know (a send's answer, a
 * clean close) wait on `durable()`. A batch the store cannot commit ends the
 * worker, so that it restarts from the state that is durable.
 */
export async function useStoredAuthState(store: StoreClient, onLost: (error: unknown) => void): Promise<StoredAuthState> {
  const loaded = await store.request({ kind: 'auth-load' });
  const state: AuthenticationState = {
    creds: loaded.creds ? decode<AuthenticationCreds>(loaded.creds) : initAuthCreds(),
    keys: { get, set },
  };
  /** `<type>-<id>` → the key, or null when the store has none. */
  const keys = new Map<string, unknown>();
  /** Batches handed to the store and not yet acknowledged. */
  const inFlight = new Set<Promise<unknown>>();

  function persist(upserts: [string, string][], deletes: string[]): void {
    const batch = store.request({ kind: 'keys-apply', upserts, deletes }).catch(onLost);
    inFlight.add(batch);
    void batch.finally(() => inFlight.delete(batch));
  }

  async function get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
    const names = ids.map((id) => `${type}-${id}`);
    const unknown = names.filter((name) => !keys.has(name));
    if (unknown.length > 0) {
      const { found } = await store.request({ kind: 'keys-get', keys: unknown });
      for (const name of unknown) {
        // A set() that ran while the store answered is newer than its answer.
        if (!keys.has(name)) keys.set(name, name in found ? revive(type, found[name]) : null);
      }
    }
    const result: { [id: string]: SignalDataTypeMap[T] } = {};
    ids.forEach((id, i) => {
      const value = keys.get(names[i]);
      if (value !== null && value !== undefined) result[id] = value as SignalDataTypeMap[T];
    });
    return result;
  }

  async function set(data: SignalDataSet): Promise<void> {
    const upserts: [string, string][] = [];
    const deletes: string[] = [];
    for (const [type, entries] of Object.entries(data)) {
      for (const [id, value] of Object.entries(entries ?? {})) {
        const name = `${type}-${id}`;
        const present = value !== null && value !== undefined;
        keys.set(name, present ? value : null);
        if (present) upserts.push([name, encode(value)]);
        else deletes.push(name);
      }
    }
    if (upserts.length + deletes.length > 0) persist(upserts, deletes);
  }

  return {
    state,
    get registered() {
      // `me` alone is not enough: asking for a pairing code sets it before any pairing.
      return Boolean(state.creds.account && state.creds.me?.id);
    },
    async saveCreds() {
      await store.request({ kind: 'creds-save', creds: encode(state.creds) });
    },
    async clear() {
      keys.clear();
      state.creds = initAuthCreds();
      await store.request({ kind: 'auth-clear' });
    },
    async durable() {
      await Promise.all([...inFlight]);
    },
  };
}
