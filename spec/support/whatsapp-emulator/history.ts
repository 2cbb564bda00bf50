// The history an emulated phone keeps (chats, their messages, contact names)
// and how the phone cuts it into HistorySync chunks for a newly linked device:
// INITIAL_BOOTSTRAP (every chat, messages of the last `bootstrapDays`),
// PUSH_NAME (contact names), RECENT (older messages up to `recentDays`) and,
// only for a device that asked for the full history at pairing, FULL (the rest).
import { proto } from '@whiskeysockets/baileys';
import { randomBytes } from 'node:crypto';

const DAY = 86_400;

export interface HistoryImage {
  bytes: Buffer;
  mimetype?: string;
  caption?: string;
}

export interface HistoryMessage {
  /** Default: a fresh id. */
  id?: string;
  fromMe: boolean;
  text?: string;
  image?: HistoryImage;
  /** Unix seconds. */
  timestamp: number;
  /** The sender's name on received messages. */
  pushName?: string;
}

export interface HistoryConversation {
  /** A 1:1 chat: `<number>@s.whatsapp.net`. */
  jid: string;
  name?: string;
  messages: HistoryMessage[];
}

export interface HistoryContact {
  jid: string;
  /** The name the contact chose (push name). */
  name: string;
}

export interface PhoneHistory {
  conversations: HistoryConversation[];
  contacts?: HistoryContact[];
  /** Messages younger than this go in the initial bootstrap (default 7 days). */
  bootstrapDays?: number;
  /** Older messages up to this age go in RECENT (default 90 days); older still only in FULL. */
  recentDays?: number;
}

/** Encrypts and hosts an image, returning the media fields of its message. */
export type SealImage = (bytes: Buffer) => Omit<proto.Message.IImageMessage, 'mimetype' | 'caption'>;

export interface ChunkOptions {
  /** Unix seconds the ages are counted from. */
  now: number;
  /** The device asked for the full history (DeviceProps.requireFullSync). */
  fullSync: boolean;
  sealImage: SealImage;
}

const Type = proto.HistorySync.HistorySyncType;

function messageContent(message: HistoryMessage, sealImage: SealImage): proto.IMessage {
  if (message.image) {
    const { bytes, mimetype = 'image/jpeg', caption } = message.image;
    return { imageMessage: { ...sealImage(bytes), mimetype, ...(caption ? { caption } : {}) } };
  }
  return { conversation: message.text ?? '' };
}

function webMessage(jid: string, message: HistoryMessage, sealImage: SealImage): proto.IWebMessageInfo {
  return {
    key: { remoteJid: jid, fromMe: message.fromMe, id: message.id ?? `3EB0${randomBytes(8).toString('hex').toUpperCase()}` },
    message: messageContent(message, sealImage),
    messageTimestamp: message.timestamp,
    ...(message.fromMe ? { status: proto.WebMessageInfo.Status.READ } : {}),
    ...(!message.fromMe && message.pushName ? { pushName: message.pushName } : {}),
  };
}

/** A conversation with the messages of one chunk, newest first as the phone sends them. */
function conversation(chat: HistoryConversation, messages: HistoryMessage[], sealImage: SealImage): proto.IConversation {
  const newestFirst = [...messages].sort((a, b) => b.timestamp - a.timestamp);
  const newest = Math.max(0, ...chat.messages.map((m) => m.timestamp));
  return {
    id: chat.jid,
    ...(chat.name ? { name: chat.name } : {}),
    conversationTimestamp: newest,
    unreadCount: 0,
    messages: newestFirst.map((m, index) => ({ message: webMessage(chat.jid, m, sealImage), msgOrderId: newestFirst.length - index })),
  };
}

/** Which chunk a message of this age belongs in. */
export function syncTypeOf(timestamp: number, history: Pick<PhoneHistory, 'bootstrapDays' | 'recentDays'>, now: number): proto.HistorySync.HistorySyncType {
  const age = now - timestamp;
  if (age < (history.bootstrapDays ?? 7) * DAY) return Type.INITIAL_BOOTSTRAP;
  if (age < (history.recentDays ?? 90) * DAY) return Type.RECENT;
  return Type.FULL;
}

/** The chunks the phone sends, in order; `progress` reaches 100 on the last one. */
export function historyChunks(history: PhoneHistory, options: ChunkOptions): proto.IHistorySync[] {
  const { now, fullSync, sealImage } = options;
  const inSpan = (chat: HistoryConversation, type: proto.HistorySync.HistorySyncType) =>
    chat.messages.filter((m) => syncTypeOf(m.timestamp, history, now) === type);
  const spanChunk = (syncType: proto.HistorySync.HistorySyncType): proto.IHistorySync | null => {
    const conversations = history.conversations
      .map((chat) => ({ chat, messages: inSpan(chat, syncType) }))
      .filter(({ messages }) => messages.length > 0)
      .map(({ chat, messages }) => conversation(chat, messages, sealImage));
    return conversations.length > 0 ? { syncType, conversations } : null;
  };
  const chunks: proto.IHistorySync[] = [
    // Every chat comes with the bootstrap, even one whose messages are all older.
    { syncType: Type.INITIAL_BOOTSTRAP, conversations: history.conversations.map((chat) => conversation(chat, inSpan(chat, Type.INITIAL_BOOTSTRAP), sealImage)) },
  ];
  if (history.contacts?.length) {
    chunks.push({ syncType: Type.PUSH_NAME, pushnames: history.contacts.map((c) => ({ id: c.jid, pushname: c.name })) });
  }
  const recent = spanChunk(Type.RECENT);
  if (recent) chunks.push(recent);
  const full = fullSync ? spanChunk(Type.FULL) : null;
  if (full) chunks.push(full);
  return chunks.map((chunk, index) => ({ ...chunk, chunkOrder: index, progress: Math.round(((index + 1) / chunks.length) * 100) }));
}
