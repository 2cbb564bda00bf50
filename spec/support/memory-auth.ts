import { initAuthCreds, type AuthenticationState, type SignalDataSet } from '@whiskeysockets/baileys';

/** Baileys auth state in memory, kept across sockets like a real store. */
export function memoryAuth(): AuthenticationState {
  const keys = new Map<string, unknown>();
  return {
    creds: initAuthCreds(),
    keys: {
      get: async (type, ids) => Object.fromEntries(ids.map((id) => [id, keys.get(`${type}-${id}`)]).filter(([, v]) => v !== undefined)),
      set: async (data: SignalDataSet) => {
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            if (value === null) keys.delete(`${type}-${id}`);
            else keys.set(`${type}-${id}`, value);
          }
        }
      },
    },
  };
}
