// Worker-thread entry of the engine baseline (bench/engine.ts): the bare
// Baileys client, one socket per thread as the gateway runs it, its auth state
// in memory (creds from initAuthCreds(), Signal keys in a Map), no database and
// no gateway code. It pairs through the QR the main thread hands to the
// emulated phone, then sends texts on request.
import makeWASocket, {
  DisconnectReason,
  initAuthCreds,
  WA_CERT_DETAILS,
  type AuthenticationState,
  type ConnectionState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type WASocket,
} from '@whiskeysockets/baileys';
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';

export interface EngineWorkerData {
  websocketUrl: string;
  /** Root of the emulator's Noise certificate chain, base64. */
  certPublicKey: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  browser: [string, string, string];
}

export type ToEngine =
  | { type: 'send'; number: string; texts: string[]; concurrency: number }
  | { type: 'close' };

export type FromEngine =
  | { type: 'qr'; qr: string }
  | { type: 'open'; jid: string }
  | { type: 'sent'; failed: number; firstError: string | null }
  | { type: 'closed' }
  | { type: 'error'; message: string };

const data = workerData as EngineWorkerData;
const port = parentPort;
if (!port) throw new Error('bench/engine-worker.ts must run as a worker thread');
const post = (message: FromEngine) => port.postMessage(message);

// The Signal library reports every session rotation on the console; the
// gateway's worker sends these to its debug log, which is off.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) console[method] = () => undefined;

// Baileys checks the server's certificate chain against this module-level key.
WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(data.certPublicKey, 'base64');

function memoryAuth(): AuthenticationState {
  const keys = new Map<string, unknown>();
  return {
    creds: initAuthCreds(),
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const found: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const id of ids) {
          const value = keys.get(`${type}-${id}`);
          if (value !== undefined) found[id] = value as SignalDataTypeMap[T];
        }
        return found;
      },
      set: async (entries: SignalDataSet) => {
        for (const [type, byId] of Object.entries(entries)) {
          for (const [id, value] of Object.entries(byId ?? {})) {
            if (value === null || value === undefined) keys.delete(`${type}-${id}`);
            else keys.set(`${type}-${id}`, value);
          }
        }
      },
    },
  };
}

const auth = memoryAuth();
// Silent: the gateway logs Baileys at 'error', and nothing on the send path logs at that level.
const logger = pino({ level: 'silent' });
let socket: WASocket | null = null;
/** The contact's jid as WhatsApp confirmed it, asked once as the gateway does. */
const confirmed = new Map<string, string>();

/** The socket options of workers/socket-factory.ts, minus what needs the gateway (settings, proxy). */
function connect(): void {
  const current = makeWASocket({
    auth,
    logger,
    waWebSocketUrl: data.websocketUrl,
    browser: data.browser,
    connectTimeoutMs: data.connectTimeoutMs,
    defaultQueryTimeoutMs: data.queryTimeoutMs,
    markOnlineOnConnect: false,
    syncFullHistory: false,
    generateHighQualityLinkPreview: false,
  });
  socket = current;
  current.ev.on('connection.update', (update) => onConnectionUpdate(current, update));
}

function onConnectionUpdate(current: WASocket, update: Partial<ConnectionState>): void {
  if (current !== socket) return;
  if (update.qr) post({ type: 'qr', qr: update.qr });
  if (update.connection === 'open') post({ type: 'open', jid: current.user?.id ?? '' });
  if (update.connection !== 'close') return;
  const code = (update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
  // After the QR is scanned the server asks for a restart (515): log in again with the new creds.
  if (code === DisconnectReason.restartRequired) {
    connect();
    return;
  }
  socket = null;
  post({ type: 'error', message: `connection closed (${code ?? 'no code'}): ${update.lastDisconnect?.error?.message ?? ''}` });
}

async function recipient(open: WASocket, number: string): Promise<string> {
  const cached = confirmed.get(number);
  if (cached) return cached;
  const [found] = (await open.onWhatsApp(`${number}@s.whatsapp.net`)) ?? [];
  if (!found?.exists) throw new Error(`${number} is not on WhatsApp`);
  confirmed.set(number, found.jid);
  return found.jid;
}

/** Sends every text with `concurrency` sends in flight, as the gateway's HTTP clients do. */
async function send(number: string, texts: string[], concurrency: number): Promise<FromEngine> {
  const open = socket;
  if (!open) return { type: 'sent', failed: texts.length, firstError: 'not connected' };
  const jid = await recipient(open, number);
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const lane = async () => {
    while (next < texts.length) {
      const text = texts[next++];
      try {
        const sent = await open.sendMessage(jid, { text }, { quoted: undefined });
        if (!sent) throw new Error('WhatsApp did not accept the message');
      } catch (error) {
        failed += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { type: 'sent', failed, firstError };
}

port.on('message', (message: ToEngine) => {
  switch (message.type) {
    case 'send':
      send(message.number, message.texts, message.concurrency).then(post, (error: unknown) =>
        post({ type: 'sent', failed: message.texts.length, firstError: (error as Error).message }),
      );
      return;
    case 'close': {
      const open = socket;
      socket = null;
      open?.end(undefined);
      post({ type: 'closed' });
    }
  }
});

connect();
