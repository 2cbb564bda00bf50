// One map from event name to the shape of its `data`, as Baileys keeps one
// from its event names to their payloads. The worker's emit, the supervisor's
// observer, the dispatcher's publish and the envelope are all typed by it.
import type { BaileysEventMap, WACallEvent } from '@whiskeysockets/baileys';
import type { StatusError } from '../cloud/inbound-statuses.js';
import type { ChatPatch } from '../db/chats.js';
import type { ContactPatch } from '../db/contacts.js';
import type { MessageRecord } from '../messages/types.js';
import type { EventName } from './names.js';

/** A message key as the status, edit and delete events spell it. */
export interface MessageRef {
  keyId: string | null | undefined;
  remoteJid: string | null | undefined;
  fromMe: boolean;
  participant: string | null;
  instanceId: string;
}

export interface QrPayload {
  instance: string;
  pairingCode: string | null;
  code: string;
  count: number;
  /** PNG data URL, added by the dispatcher. */
  base64?: string;
}

export type QrCodeUpdated = { qrcode: QrPayload } | { message: string; statusCode: number };

export interface ConnectionUpdate {
  instance: string;
  state: string;
  statusReason: number | null;
  wuid?: string;
}

/** status.instance: the connection status of an instance, and why it closed when it did. */
export interface StatusInstance {
  instance: string;
  status: 'open' | 'close' | 'connecting';
  disconnectionAt?: string;
  disconnectionReasonCode?: number | null;
  disconnectionObject?: string | null;
}

/** Typebot events as Evolution sends them; never emitted here (no Typebot), typed for completeness. */
export interface TypebotEvent {
  remoteJid: string;
  status: string;
  session?: unknown;
}

/** labels.edit as Evolution sends it: WhatsApp's label, with the instance's name. */
export interface LabelEdit {
  id: string;
  name: string;
  color: number;
  deleted: boolean;
  predefinedId?: string;
  instance: string;
}

/** labels.association as Evolution sends it: a label put on a chat or taken off. */
export interface LabelAssociation {
  instance: string;
  type: 'add' | 'remove';
  chatId: string;
  labelId: string;
}
/**
 * group-participants.update as Evolution sends it: Baileys' update, and beside
 * the participants each one's jid and phone number (Evolution's participantsData).
 */
export type GroupParticipantsUpdate = BaileysEventMap['group-participants.update'] & {
  participantsData: { jid: string; phoneNumber: string }[];
};

export interface InstanceNamed {
  instanceName: string;
  instanceId: string;
}

export interface EventPayloads {
  APPLICATION_STARTUP: { status: string; version: string; serverUrl: string };
  QRCODE_UPDATED: QrCodeUpdated;
  CONNECTION_UPDATE: ConnectionUpdate;
  MESSAGES_SET: MessageRecord[];
  MESSAGES_UPSERT: MessageRecord;
  MESSAGES_EDITED: MessageRef & { message: unknown; messageTimestamp: number };
  /** `errors`: why Meta could not deliver a Business instance's message (status ERROR). */
  MESSAGES_UPDATE: MessageRef & { messageId: string | null | undefined; status: string; errors?: StatusError[] };
  MESSAGES_DELETE: BaileysEventMap['messages.delete'] | (MessageRef & { id: string | null | undefined });
  SEND_MESSAGE: MessageRecord;
  SEND_MESSAGE_UPDATE: MessageRef & { messageId: string | null | undefined; status: string; errors?: StatusError[] };
  CONTACTS_SET: (ContactPatch & { instanceId: string })[];
  CONTACTS_UPSERT: (ContactPatch & { instanceId: string })[];
  CONTACTS_UPDATE: (ContactPatch & { instanceId: string })[];
  PRESENCE_UPDATE: BaileysEventMap['presence.update'];
  CHATS_SET: (ChatPatch & { instanceId: string })[];
  CHATS_UPSERT: (ChatPatch & { instanceId: string })[];
  CHATS_UPDATE: (ChatPatch & { instanceId: string })[];
  CHATS_DELETE: string[];
  GROUPS_UPSERT: BaileysEventMap['groups.upsert'];
  GROUP_UPDATE: BaileysEventMap['groups.update'];
  GROUP_PARTICIPANTS_UPDATE: GroupParticipantsUpdate;
  LABELS_EDIT: LabelEdit;
  LABELS_ASSOCIATION: LabelAssociation;
  CALL: WACallEvent;
  LOGOUT_INSTANCE: { instance: string };
  REMOVE_INSTANCE: InstanceNamed;
  INSTANCE_CREATE: InstanceNamed;
  INSTANCE_DELETE: InstanceNamed;
  STATUS_INSTANCE: StatusInstance;
  TYPEBOT_START: TypebotEvent;
  TYPEBOT_CHANGE_STATUS: TypebotEvent;
}

/** Every event name has its payload type, and nothing else has one: the compiler checks these lines. */
type Complete = EventName extends keyof EventPayloads ? (keyof EventPayloads extends EventName ? true : never) : never;
export const PAYLOADS_COVER_EVENTS: Complete = true;

/** An event as it crosses from a worker to the main thread: name and data agree. */
export type EventMessage = { [E in EventName]: { type: 'event'; event: E; data: EventPayloads[E] } }[EventName];

/** Emits an event whose data has its name's shape. */
export type Emit = <E extends EventName>(event: E, data: EventPayloads[E]) => void;
