// The messages that cross between the supervisor (main thread) and an instance
// worker. Both sides import this file; it is the whole vocabulary.
import type { WhatsAppConfig } from '../config.js';
import type { ConnectionPatch, ConnectionStatus } from '../db/instances.js';
import type { EventMessage } from '../events/payloads.js';
import type {
  EphemeralExpiration,
  GroupInfo,
  GroupMetadataJson,
  GroupParticipant,
  GroupParticipantAction,
  GroupSetting,
  ParticipantUpdateResult,
} from '../groups/types.js';
import type { CallOfferResult, MessageKey, MessageRecord, NumberCheck, SendRequest, StatusRequest } from '../messages/types.js';
import type { Presence } from '../messages/presence.js';
import type { BusinessProfile, PrivacySettings, ProfileLookup } from '../profile/types.js';
import type { StoreRequest } from '../store/protocol.js';
import type { TemplateRecord, TemplateSend, TemplateSpec } from '../cloud/types.js';


/** Configuration every worker gets, whatever its instance. */
export interface SharedWorkerData {
  logLevel: string;
  whatsapp: WhatsAppConfig;
}

/** Everything a worker needs to start; it asks the store for the rest. */
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

/** The newest message of a chat, which WhatsApp's archive and unread marks are anchored to. */
export interface LastMessage {
  key: MessageKey;
  /** Unix seconds. */
  messageTimestamp: number;
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
  'send-status': MessageRecord;
  'offer-call': CallOfferResult;
  'check-numbers': NumberCheck[];
  'mark-read': { read: number };
  'delete-for-everyone': MessageRecord | null;
  'edit-message': MessageRecord | null;
  'profile-picture': { wuid: string; profilePictureUrl: string | null };
  'profile-lookup': ProfileLookup;
  'business-profile': BusinessProfile | null;
  'privacy-fetch': PrivacySettings;
  'privacy-update': { updated: true };
  'profile-name': { updated: true };
  'profile-status': { updated: true };
  'profile-picture-update': { updated: true };
  'profile-picture-remove': { updated: true };
  'chat-presence': { presence: Presence };
  'block-status': { block: 'success' };
  'download-media': { base64: string };
  'chat-archive': { archived: boolean };
  'chat-unread': { unread: true };
  'chat-label': { labeled: boolean };
  'group-create': GroupMetadataJson;
  'group-info': GroupInfo;
  'group-fetch-all': GroupInfo[];
  'group-participants': GroupParticipant[];
  'group-subject': { updated: true };
  'group-description': { updated: true };
  'group-picture': { updated: true };
  'group-invite-code': { code: string };
  'group-invite-info': GroupMetadataJson;
  'group-accept-invite': { groupJid: string | null };
  'group-revoke-invite': { code: string | null };
  'group-update-participants': ParticipantUpdateResult[];
  'group-setting': { updated: true };
  'group-ephemeral': { updated: true };
  'group-leave': { updated: true };
  /** Cloud API only: a Baileys worker refuses these. */
  'send-template': MessageRecord;
  'template-create': TemplateRecord;
  /** Meta's template objects, as GET /{waba-id}/message_templates lists them. */
  'template-find': Record<string, unknown>[];
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
  | { kind: 'send-status'; request: StatusRequest }
  | { kind: 'offer-call'; number: string; isVideo: boolean; callDuration: number }
  | { kind: 'check-numbers'; numbers: string[] }
  | { kind: 'mark-read'; keys: MessageKey[] }
  | { kind: 'delete-for-everyone'; key: MessageKey }
  | { kind: 'edit-message'; key: MessageKey; text: string }
  | { kind: 'profile-picture'; number: string }
  | { kind: 'profile-lookup'; number: string }
  | { kind: 'business-profile'; number: string }
  | { kind: 'privacy-fetch' }
  | { kind: 'privacy-update'; settings: PrivacySettings }
  | { kind: 'profile-name'; name: string }
  | { kind: 'profile-status'; status: string }
  | { kind: 'profile-picture-update'; image: Uint8Array }
  | { kind: 'profile-picture-remove' }
  | { kind: 'chat-presence'; number: string; presence: Presence; delay: number }
  | { kind: 'block-status'; number: string; status: 'block' | 'unblock' }
  /** `message`: a stored message's content as JSON (bytes in base64). */
  | { kind: 'download-media'; key: MessageKey; message: Record<string, unknown> }
  | { kind: 'chat-archive'; jid: string; lastMessage: LastMessage; archive: boolean }
  | { kind: 'chat-unread'; jid: string; lastMessage: LastMessage }
  | { kind: 'chat-label'; jid: string; labelId: string; action: 'add' | 'remove' }
  | { kind: 'group-create'; subject: string; participants: string[]; description?: string; promoteParticipants?: boolean }
  | { kind: 'group-info'; groupJid: string }
  | { kind: 'group-fetch-all'; participants: boolean }
  | { kind: 'group-participants'; groupJid: string }
  | { kind: 'group-subject'; groupJid: string; subject: string }
  | { kind: 'group-description'; groupJid: string; description: string }
  | { kind: 'group-picture'; groupJid: string; image: Uint8Array }
  | { kind: 'group-invite-code'; groupJid: string }
  | { kind: 'group-invite-info'; code: string }
  | { kind: 'group-accept-invite'; code: string }
  | { kind: 'group-revoke-invite'; groupJid: string }
  | { kind: 'group-update-participants'; groupJid: string; action: GroupParticipantAction; participants: string[] }
  | { kind: 'group-setting'; groupJid: string; action: GroupSetting }
  | { kind: 'group-ephemeral'; groupJid: string; expiration: EphemeralExpiration }
  | { kind: 'group-leave'; groupJid: string }
  | { kind: 'send-template'; request: TemplateSend }
  | { kind: 'template-create'; template: TemplateSpec }
  | { kind: 'template-find' };

export type CommandKind = WorkerCommand['kind'];
export type CommandOf<K extends CommandKind> = Extract<WorkerCommand, { kind: K }>;
export type ResultOf<C extends WorkerCommand> = CommandResults[C['kind']];

/** The worker's side: one handler per command kind, each returning what the supervisor expects of it. */
export type CommandHandlers = {
  [K in CommandKind]: (command: CommandOf<K>) => Promise<CommandResults[K]>;
};

/**
 * Why a worker refuses a command. Each code has its HTTP status in one table
 * (lib/http/error-middleware.ts), checked by the compiler.
 */
export const REFUSAL_CODES = [
  'invalid', // the request breaks a rule of WhatsApp or of the instance
  'not-connected', // no open WhatsApp connection
  'not-on-whatsapp', // the recipient has no WhatsApp account
  'not-found', // a message or chat the command names is not known
  'connection-failed', // WhatsApp could not be reached
  'qr-limit', // the QR codes of this attempt ran out
  'logged-out', // the phone unlinked this device
  'replaced', // the session was opened elsewhere
  'whatsapp-error', // WhatsApp answered the command with an error
  'internal', // a fault in the worker; its text stays in the log
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** How a worker can be made to fail, for fault-injection tests. */
export type FaultKind =
  | 'throw' // an uncaught error: the crash path
  | 'heap' // allocates until V8's heap limit ends the thread
  | 'hang'; // blocks its event loop for good: only terminate() ends it

/** Main thread → worker. */
export type ToWorker =
  | { type: 'request'; id: number; command: WorkerCommand }
  | { type: 'store-reply'; id: number; ok: true; result: unknown }
  | { type: 'store-reply'; id: number; ok: false; error: string }
  | { type: 'fault'; fault: FaultKind; reason: string };

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'reply'; id: number; ok: true; result: CommandResults[CommandKind] }
  | { type: 'reply'; id: number; ok: false; error: string; code: RefusalCode }
  /** `final`: the worker gave up on this connection (logged out, replaced, QR limit) and will not retry. */
  | { type: 'connection'; patch: ConnectionPatch; final?: boolean }
  | { type: 'store'; id: number; request: StoreRequest }
  | EventMessage;
