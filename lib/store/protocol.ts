// What an instance's worker asks of the store, and what each request answers.
// Both sides import this file: the worker through its store client, the main
// thread through the store actor. The worker never names an instance: the
// supervisor binds every request to the id of the worker's instance.
import type { ChatPatch } from '../db/chats.js';
import type { ContactPatch } from '../db/contacts.js';
import type { Label } from '../db/labels.js';
import type { ProxyConfig } from '../instance-config/proxy.js';
import type { Settings } from '../instance-config/settings.js';
import type { MessageRecord } from '../messages/types.js';

/** Reads: answered straight from the database. */
export type StoreRead =
  | { kind: 'auth-load' }
  /** Signal keys by their stored name (`<type>-<id>`). */
  | { kind: 'keys-get'; keys: string[] }
  | { kind: 'config-load' };

/** Writes: group-committed, answered once durable. */
export type StoreWrite =
  /** One Baileys key batch, applied whole or not at all. Values are BufferJSON text. */
  | { kind: 'keys-apply'; upserts: [key: string, value: string][]; deletes: string[] }
  | { kind: 'creds-save'; creds: string }
  | { kind: 'auth-clear' }
  | { kind: 'messages-upsert'; records: MessageRecord[] }
  /**
   * A status change of a message, kept in its history (message_updates);
   * `historyOnly` leaves the message's own status as it is (deleted, edited).
   */
  | { kind: 'message-status'; key: { id: string; remoteJid: string; fromMe: boolean; participant?: string }; status: string; historyOnly?: boolean }
  | { kind: 'chats-upsert'; chats: ChatPatch[] }
  | { kind: 'chats-remove'; remoteJids: string[] }
  | { kind: 'contacts-upsert'; contacts: ContactPatch[] }
  | { kind: 'labels-upsert'; labels: Label[] }
  | { kind: 'labels-remove'; labelIds: string[] };

export type StoreRequest = StoreRead | StoreWrite;
export type StoreKind = StoreRequest['kind'];

export interface InstanceConfig {
  settings: Settings;
  proxy: ProxyConfig | null;
  /** Whether the instance's webhook wants received media inline. */
  webhookBase64: boolean;
}

/** What each request answers. */
export interface StoreResults {
  'auth-load': { creds: string | null };
  'keys-get': { found: Record<string, string> };
  'config-load': InstanceConfig;
  'keys-apply': { applied: number };
  'creds-save': { saved: true };
  'auth-clear': { cleared: true };
  'messages-upsert': { stored: number };
  'message-status': { updated: true };
  'chats-upsert': { stored: number };
  'chats-remove': { removed: number };
  'contacts-upsert': { stored: number };
  'labels-upsert': { stored: number };
  'labels-remove': { removed: number };
}

export type StoreResultOf<R extends StoreRequest> = StoreResults[R['kind']];

export const STORE_WRITES: ReadonlySet<StoreKind> = new Set<StoreWrite['kind']>([
  'keys-apply',
  'creds-save',
  'auth-clear',
  'messages-upsert',
  'message-status',
  'chats-upsert',
  'chats-remove',
  'contacts-upsert',
  'labels-upsert',
  'labels-remove',
]);

export function isWrite(request: StoreRequest): request is StoreWrite {
  return STORE_WRITES.has(request.kind);
}
