import {
  downloadMediaMessage,
  getContentType,
  isJidGroup,
  isJidStatusBroadcast,
  normalizeMessageContent,
  proto,
  toNumber,
  type WAMessage,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { Settings } from '../lib/instance-config/settings.js';
import type { Emit } from '../lib/events/payloads.js';
import type { Logger } from '../lib/logger.js';
import type { MessageRecord } from '../lib/messages/types.js';
import { onLabelAssociation, onLabelEdit } from './labels.js';
import { messageRecord, statusName } from './message-record.js';
import type { RecentIds } from './recent-ids.js';
import type { WorkerStore } from './worker-store.js';

const MEDIA_TYPES = new Set(['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'documentWithCaptionMessage']);

/** Content that is bookkeeping between devices, not a message anyone wrote. */
function isProtocolOnly(message: WAMessage): boolean {
  const content = normalizeMessageContent(message.message);
  const type = getContentType(content);
  return !type || type === 'protocolMessage' || type === 'senderKeyDistributionMessage';
}

export interface InboundContext {
  socket: WASocket;
  instanceId: string;
  /** Evolution names the instance in the label events' data. */
  instanceName: string;
  settings(): Settings;
  /** Whether the instance's webhook wants received media inline as base64. */
  wantsBase64(): boolean;
  /** Ids of messages this worker sent itself: their echo is not a new message. */
  sentIds: Set<string>;
  /** Ids of messages sent through the API, whose status changes also go out as send.message.update. */
  sentByApi: RecentIds;
  store: WorkerStore;
  logger: Logger;
  emit: Emit;
}

/**
 * Turns what WhatsApp pushes into stored messages, contacts and chats and into
 * the contract's events, applying the instance settings (read receipts,
 * status reading) as messages arrive.
 */
export function attachInboundHandlers(context: InboundContext): void {
  const { socket, logger } = context;
  // A bad message must not end the worker: log it and go on with the next.
  const guarded = (name: string, handling: Promise<void>) =>
    handling.catch((error: unknown) => logger.error({ err: error, event: name }, 'could not handle an incoming event'));
  const guard =
    <T>(name: string, handler: (value: T) => Promise<void>) =>
    (value: T) => {
      void guarded(name, handler(value));
    };

  // One batch at a time: a media download must not let a later message's event overtake it.
  let upserts = Promise.resolve();
  socket.ev.on('messages.upsert', ({ messages, type }) => {
    upserts = upserts.then(() => guarded('messages.upsert', onUpsert(context, messages, type)));
  });
  socket.ev.on('messages.update', guard('messages.update', (updates) => onUpdate(context, updates)));
  socket.ev.on(
    'messages.delete',
    guard('messages.delete', async (deletion) => context.emit('MESSAGES_DELETE', deletion)),
  );
  socket.ev.on('contacts.upsert', guard('contacts.upsert', (contacts) => onContacts(context, contacts, 'CONTACTS_UPSERT')));
  socket.ev.on('contacts.update', guard('contacts.update', (contacts) => onContacts(context, contacts, 'CONTACTS_UPDATE')));
  socket.ev.on('chats.upsert', guard('chats.upsert', (chats) => onChats(context, chats, 'CHATS_UPSERT')));
  socket.ev.on('chats.update', guard('chats.update', (chats) => onChats(context, chats, 'CHATS_UPDATE')));
  socket.ev.on(
    'chats.delete',
    guard('chats.delete', async (jids) => {
      context.store.record({ kind: 'chats-remove', remoteJids: jids });
      context.emit('CHATS_DELETE', jids);
    }),
  );
  socket.ev.on('presence.update', guard('presence.update', async (presence) => context.emit('PRESENCE_UPDATE', presence)));
  socket.ev.on('messaging-history.set', guard('messaging-history.set', (history) => onHistory(context, history)));
  socket.ev.on('groups.upsert', guard('groups.upsert', async (groups) => context.emit('GROUPS_UPSERT', groups)));
  socket.ev.on('groups.update', guard('groups.update', async (groups) => context.emit('GROUP_UPDATE', groups)));
  socket.ev.on(
    'group-participants.update',
    guard('group-participants.update', async (update) => {
      // Evolution adds each participant's number: the phone number of a LID member, else the jid's user part.
      const participantsData = update.participants.map((participant) => ({
        jid: participant.id,
        phoneNumber: participant.phoneNumber ?? participant.id.split('@')[0],
      }));
      context.emit('GROUP_PARTICIPANTS_UPDATE', { ...update, participantsData });
    }),
  );
  socket.ev.on('labels.edit', guard('labels.edit', (label) => onLabelEdit(context, label)));
  socket.ev.on('labels.association', guard('labels.association', (association) => onLabelAssociation(context, association)));
}

async function withBase64(context: InboundContext, message: WAMessage, record: MessageRecord): Promise<MessageRecord> {
  if (!MEDIA_TYPES.has(record.messageType) || !context.wantsBase64()) return record;
  try {
    const bytes = await downloadMediaMessage(message, 'buffer', {}, {
      logger: context.logger,
      reuploadRequest: context.socket.updateMediaMessage,
    });
    return { ...record, message: { ...record.message, base64: bytes.toString('base64') } };
  } catch (error) {
    // The event still goes out, without the bytes; the media can be fetched later.
    context.logger.warn({ err: error, messageId: record.key.id }, 'could not download media for base64');
    return record;
  }
}

async function onUpsert(context: InboundContext, messages: WAMessage[], type: string): Promise<void> {
  const settings = context.settings();
  for (const message of messages) {
    if (!message.message || isProtocolOnly(message)) continue;
    const jid = message.key.remoteJid ?? '';
    if (settings.groupsIgnore && isJidGroup(jid)) continue;
    // Contacts' status posts count only with readStatus on, as in Evolution, which ignores status@broadcast otherwise.
    if (!settings.readStatus && isJidStatusBroadcast(jid) && !message.key.fromMe) continue;
    const record = messageRecord(message, context.instanceId);
    // Our own sends come back as an upsert; the send already stored and reported them.
    if (record.key.fromMe && context.sentIds.delete(record.key.id)) {
      // A receipt that came while Baileys held its events back is merged into
      // this echo instead of coming as messages.update: report it as one.
      if ((message.status ?? 0) > proto.WebMessageInfo.Status.SERVER_ACK) await onUpdate(context, [{ key: message.key, update: { status: message.status } }]);
      continue;
    }
    context.store.record({ kind: 'messages-upsert', records: [record] });
    context.store.record({ kind: 'chats-upsert', chats: [{ remoteJid: jid, lastMessageTimestamp: record.messageTimestamp }] });
    if (!record.key.fromMe && message.pushName && !isJidGroup(jid)) {
      context.store.record({ kind: 'contacts-upsert', contacts: [{ remoteJid: jid, pushName: message.pushName }] });
    }
    context.emit('MESSAGES_UPSERT', await withBase64(context, message, record));
    await markRead(context, message, type, settings);
  }
}

async function markRead(context: InboundContext, message: WAMessage, type: string, settings: Settings): Promise<void> {
  if (type !== 'notify' || message.key.fromMe) return;
  const status = isJidStatusBroadcast(message.key.remoteJid ?? '');
  if (status ? !settings.readStatus : !settings.readMessages) return;
  await context.socket.readMessages([message.key]);
}

async function onUpdate(context: InboundContext, updates: { key: WAMessage['key']; update: Partial<WAMessage> }[]): Promise<void> {
  for (const { key, update } of updates) {
    const base = {
      keyId: key.id,
      remoteJid: key.remoteJid,
      fromMe: Boolean(key.fromMe),
      participant: key.participant ?? null,
      instanceId: context.instanceId,
    };
    const history = (status: string, historyOnly = false) => {
      if (!key.id || !key.remoteJid) return;
      const stored = { id: key.id, remoteJid: key.remoteJid, fromMe: Boolean(key.fromMe), ...(key.participant ? { participant: key.participant } : {}) };
      context.store.record({ kind: 'message-status', key: stored, status, ...(historyOnly ? { historyOnly } : {}) });
    };
    if (update.status !== undefined && update.status !== null) {
      const status = statusName(update.status);
      history(status);
      context.emit('MESSAGES_UPDATE', { ...base, messageId: key.id, status });
      if (key.fromMe && context.sentByApi.has(key.id)) context.emit('SEND_MESSAGE_UPDATE', { ...base, messageId: key.id, status });
    }
    if ('message' in update && update.message === null) {
      // Deleted for everyone by its sender.
      history('DELETED', true);
      context.emit('MESSAGES_DELETE', { ...base, id: key.id });
    } else if (update.message) {
      history('EDITED', true);
      const edited = normalizeMessageContent(update.message);
      context.emit('MESSAGES_EDITED', { ...base, message: edited ?? update.message, messageTimestamp: toNumber(update.messageTimestamp ?? 0) });
    }
  }
}

async function onContacts(
  context: InboundContext,
  contacts: { id?: string; notify?: string; name?: string; imgUrl?: string | null }[],
  event: 'CONTACTS_UPSERT' | 'CONTACTS_UPDATE' | 'CONTACTS_SET',
): Promise<void> {
  const patches = contacts
    .filter((contact): contact is typeof contact & { id: string } => Boolean(contact.id))
    .map((contact) => ({
      remoteJid: contact.id,
      ...(contact.notify || contact.name ? { pushName: contact.notify ?? contact.name ?? null } : {}),
      ...(typeof contact.imgUrl === 'string' && contact.imgUrl !== 'changed' ? { profilePicUrl: contact.imgUrl } : {}),
    }));
  context.store.record({ kind: 'contacts-upsert', contacts: patches });
  context.emit(event, patches.map((patch) => ({ ...patch, instanceId: context.instanceId })));
}

async function onChats(
  context: InboundContext,
  chats: { id?: string | null; name?: string | null; unreadCount?: number | null; conversationTimestamp?: unknown }[],
  event: 'CHATS_UPSERT' | 'CHATS_UPDATE' | 'CHATS_SET',
): Promise<void> {
  const patches = chats
    .filter((chat): chat is typeof chat & { id: string } => Boolean(chat.id))
    .map((chat) => ({
      remoteJid: chat.id,
      ...(chat.name ? { name: chat.name } : {}),
      ...(typeof chat.unreadCount === 'number' ? { unreadMessages: chat.unreadCount } : {}),
      ...(chat.conversationTimestamp ? { lastMessageTimestamp: toNumber(chat.conversationTimestamp as number) } : {}),
    }));
  context.store.record({ kind: 'chats-upsert', chats: patches });
  context.emit(event, patches.map((patch) => ({ ...patch, instanceId: context.instanceId })));
}

async function onHistory(
  context: InboundContext,
  history: { messages: WAMessage[]; contacts: { id?: string; notify?: string; name?: string }[]; chats: { id?: string | null; name?: string | null }[] },
): Promise<void> {
  const records = history.messages.filter((m) => m.message && !isProtocolOnly(m)).map((m) => messageRecord(m, context.instanceId));
  if (records.length > 0) context.store.record({ kind: 'messages-upsert', records });
  if (history.chats.length > 0) await onChats(context, history.chats, 'CHATS_SET');
  if (history.contacts.length > 0) await onContacts(context, history.contacts, 'CONTACTS_SET');
  if (records.length > 0) context.emit('MESSAGES_SET', records);
}
