// The messages that cross between the supervisor (main thread) and an instance
// worker. Both sides import this file; it is the whole vocabulary.
import type { DatabaseConfig, WhatsAppConfig } from '../config.js';
import type { ConnectionPatch, ConnectionStatus } from '../db/instances.js';
import type { EventName } from '../events/names.js';
import type { MessageKey, MessageRecord, NumberCheck, SendRequest } from '../messages/types.js';
import type { PRESENCES } from '../schemas/instance.js';

export type Presence = (typeof PRESENCES)[number];

/** Configuration every worker gets, whatever its instance. */
export interface SharedWorkerData {
  database: DatabaseConfig;
  logLevel: string;
  whatsapp: WhatsAppConfig;
}

/** Everything a worker needs to start; it reads the rest from the database. */
export interface WorkerData extends SharedWorkerData {
  instanceId: string;
  instanceName: string;
  /** 0 for a first start, n for the n-th restart after a crash. */
  attempt: number;
}

export interface QrCode {
  code: string;
  count: number;
}

export interface ConnectResult {
  state: ConnectionStatus;
  qr: QrCode | null;
  pairingCode: string | null;
}

/** Commands and what each answers. */
export interface CommandResults {
  connect: ConnectResult;
  status: { state: ConnectionStatus };
  logout: { loggedOut: boolean };
  close: { closed: true };
  'set-presence': { presence: Presence };
  'reload-settings': { reloaded: true };
  'reload-proxy': { reloaded: true };
  send: MessageRecord;
  'check-numbers': NumberCheck[];
  'mark-read': { read: number };
  'delete-for-everyone': MessageRecord | null;
  'edit-message': MessageRecord | null;
  'profile-picture': { wuid: string; profilePictureUrl: string | null };
}

export type WorkerCommand =
  | { kind: 'connect'; number?: string }
  | { kind: 'status' }
  | { kind: 'logout' }
  | { kind: 'close' }
  | { kind: 'set-presence'; presence: Presence; number?: string }
  | { kind: 'reload-settings' }
  | { kind: 'reload-proxy' }
  | { kind: 'send'; request: SendRequest }
  | { kind: 'check-numbers'; numbers: string[] }
  | { kind: 'mark-read'; keys: MessageKey[] }
  | { kind: 'delete-for-everyone'; key: MessageKey }
  | { kind: 'edit-message'; key: MessageKey; text: string }
  | { kind: 'profile-picture'; number: string };

export type CommandKind = WorkerCommand['kind'];
export type ResultOf<C extends WorkerCommand> = CommandResults[C['kind']];

/** Main thread → worker. */
export type ToWorker =
  | { type: 'request'; id: number; command: WorkerCommand }
  /** Makes the worker throw an uncaught error: its crash path, for fault-injection tests. */
  | { type: 'fault'; reason: string };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string; code?: string }
  /** `final`: the worker gave up on this connection (logged out, replaced, QR limit) and will not retry. */
  | { type: 'connection'; patch: ConnectionPatch; final?: boolean }
  | { type: 'event'; event: EventName; data: unknown };
