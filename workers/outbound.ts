import {
  downloadMediaMessage,
  generateWAMessage,
  generateWAMessageFromContent,
  prepareWAMessageMedia,
  proto,
  type WAMessage,
  type WASocket,
} from '@whiskeysockets/baileys';
import type { Emit } from '../lib/events/payloads.js';
import type { Logger } from '../lib/logger.js';
import type { CallOfferResult, MessageKey, MessageRecord, NumberCheck, SendContent, SendOptions, SendRequest, StatusRequest } from '../lib/messages/types.js';
import { offerCall } from './call-offer.js';
import type { Presence } from '../lib/messages/presence.js';
import { CommandError } from './command-error.js';
import { mentionList } from '../lib/messages/mentions.js';
import { baileysContent, interactiveButtons, mediaBytes, quotedMessage, type ContentExtras } from './content.js';
import { needsNumberCheck, toJid } from './jid.js';
import { linkPreviewFor } from './link-preview.js';
import { messageRecord } from './message-record.js';
import type { RecentIds } from './recent-ids.js';
import type { WorkerStore } from './worker-store.js';

/** How long a "this number is on WhatsApp" answer is reused. */
const NUMBER_CHECK_TTL_MS = 10 * 60_000;
/** Own message ids remembered to recognise their echo; older ones are forgotten. */
const SENT_IDS_KEPT = 5_000;
/** WhatsApp lets a chat state lapse after about 25 s: a longer one is sent again this often. */
const CHAT_STATE_REFRESH_MS = 20_000;
const STATUS_JID = 'status@broadcast';
/** Audience members per status stanza, as Evolution sends them: later batches repeat the first one's id. */
const STATUS_BATCH = 10;

export interface OutboundContext {
  /** The open socket, or a CommandError('not-connected'). */
  socket(): WASocket;
  instanceId: string;
  store: WorkerStore;
  sentIds: Set<string>;
  /** Ids of messages sent through the API: their status changes are send.message.update too. */
  sentByApi: RecentIds;
  /** Whether sent media goes out inline as base64 too (the webhook asks, or Chatwoot stores the file). */
  wantsBase64(): boolean;
  /** Resolves once the Signal state the sends so far used is durable. */
  keysDurable(): Promise<void>;
  logger: Logger;
  emit: Emit;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything the API asks the instance to do on WhatsApp: sends and chat actions. */
export class Outbound {
  private readonly known = new Map<string, { jid: string; until: number }>();

  constructor(private readonly context: OutboundContext) {}

  async send(request: SendRequest): Promise<MessageRecord> {
    const socket = this.context.socket();
    const jid = await this.recipient(socket, request.number);
    const { delay } = request.options;
    if (delay && delay > 0) {
      // What the recipient sees while waiting: typing, or recording for a voice note.
      await socket.sendPresenceUpdate(request.content.type === 'voice' ? 'recording' : 'composing', jid);
      await sleep(delay);
      await socket.sendPresenceUpdate('paused', jid);
    }
    const { content } = request;
    const sent =
      content.type === 'buttons' ? await this.relayButtons(socket, jid, content, request.options) : await this.sendContent(socket, jid, content, request);
    if (!sent) throw new CommandError('whatsapp-error', `WhatsApp did not accept the message to ${jid}`);
    return this.sentThrough(sent, request.content, jid);
  }

  /**
   * Posts a status to its audience through status@broadcast, in batches of
   * STATUS_BATCH recipients under one message id; the media is uploaded once.
   */
  async sendStatus(request: StatusRequest): Promise<MessageRecord> {
    const socket = this.context.socket();
    const { backgroundColor, font } = request;
    const message = await generateWAMessage(STATUS_JID, baileysContent(request.content), {
      userJid: socket.user?.id ?? '',
      upload: socket.waUploadToServer,
      logger: this.context.logger,
      ...(backgroundColor ? { backgroundColor } : {}),
      ...(font !== undefined ? { font } : {}),
    });
    const messageId = message.key.id ?? '';
    for (let start = 0; start < request.recipients.length; start += STATUS_BATCH) {
      const statusJidList = request.recipients.slice(start, start + STATUS_BATCH);
      await socket.relayMessage(STATUS_JID, message.message ?? {}, { messageId, statusJidList });
    }
    return this.sentThrough(message, request.content, null);
  }

  /** A call offer that rings the contact's devices and is ended after `callDuration` seconds (no media). */
  async offerCall(number: string, isVideo: boolean, callDuration: number): Promise<CallOfferResult> {
    const socket = this.context.socket();
    const jid = await this.recipient(socket, number);
    const id = await offerCall(socket, jid, isVideo, callDuration * 1000, this.context.logger);
    await this.context.keysDurable();
    return { id, jid, isVideo, callDuration };
  }

  /** Stores and reports a message sent through the API; `chat` (null for a status) gets it as its last message. */
  private async sentThrough(sent: WAMessage, content: SendContent, chat: string | null): Promise<MessageRecord> {
    this.remember(sent.key.id ?? '');
    this.context.sentByApi.add(sent.key.id);
    const record = messageRecord(sent, this.context.instanceId);
    this.context.store.record({ kind: 'messages-upsert', records: [record] });
    if (chat) this.context.store.record({ kind: 'chats-upsert', chats: [{ remoteJid: chat, lastMessageTimestamp: record.messageTimestamp }] });
    this.context.emit('SEND_MESSAGE', this.withBytes(record, content));
    // Answered once the session state this message advanced is durable, so an
    // acknowledged send is never re-encrypted from an older state after a crash.
    await this.context.keysDurable();
    return record;
  }

  private async sendContent(socket: WASocket, jid: string, content: Exclude<SendContent, { type: 'buttons' }>, request: SendRequest) {
    const built = baileysContent(content, await this.extras(socket, jid, request));
    const { messageId } = request.options;
    return socket.sendMessage(jid, built, { quoted: quotedMessage(request.options), ...(messageId ? { messageId } : {}) });
  }

  /** sendMessage would unwrap the view-once interactive message: it is built and relayed as is, as Evolution does. */
  private async relayButtons(socket: WASocket, jid: string, content: Extract<SendContent, { type: 'buttons' }>, options: SendOptions): Promise<WAMessage> {
    const header = content.thumbnail
      ? (await prepareWAMessageMedia({ image: mediaBytes(content.thumbnail), mimetype: content.thumbnail.mimetype }, { upload: socket.waUploadToServer })).imageMessage
      : undefined;
    const message = generateWAMessageFromContent(jid, interactiveButtons(content, header), {
      userJid: socket.user?.id ?? '',
      quoted: quotedMessage(options),
      ...(options.messageId ? { messageId: options.messageId } : {}),
    });
    await socket.relayMessage(jid, message.message ?? {}, { messageId: message.key.id ?? undefined });
    return message;
  }

  /** The event carries the bytes the worker was given, so nothing is downloaded back. */
  private withBytes(record: MessageRecord, content: SendContent): MessageRecord {
    const data = 'data' in content ? content.data : undefined;
    if (!data || !this.context.wantsBase64()) return record;
    return { ...record, message: { ...record.message, base64: Buffer.from(data).toString('base64') } };
  }

  async checkNumbers(numbers: string[]): Promise<NumberCheck[]> {
    const socket = this.context.socket();
    const results: NumberCheck[] = [];
    for (const number of numbers) {
      const jid = toJid(number);
      if (!needsNumberCheck(jid)) {
        results.push({ exists: true, jid, number });
        continue;
      }
      const [found] = (await socket.onWhatsApp(jid)) ?? [];
      results.push({ exists: Boolean(found?.exists), jid: found?.jid ?? jid, number });
    }
    return results;
  }

  async markRead(keys: MessageKey[]): Promise<void> {
    await this.context.socket().readMessages(keys);
  }

  async deleteForEveryone(key: MessageKey): Promise<MessageRecord | null> {
    const sent = await this.context.socket().sendMessage(key.remoteJid, { delete: key });
    this.historyOnly(key, 'DELETED');
    return sent ? messageRecord(sent, this.context.instanceId) : null;
  }

  async edit(key: MessageKey, text: string): Promise<MessageRecord | null> {
    if (!key.fromMe) throw new CommandError('invalid', 'Only messages sent by this instance can be edited');
    const sent = await this.context.socket().sendMessage(key.remoteJid, { text, edit: key });
    this.historyOnly(key, 'EDITED');
    return sent ? messageRecord(sent, this.context.instanceId) : null;
  }

  /** A change kept in the message's status history (findStatusMessage), its own status left as it is. */
  private historyOnly(key: MessageKey, status: 'DELETED' | 'EDITED'): void {
    this.context.store.record({ kind: 'message-status', key, status, historyOnly: true });
  }

  async profilePicture(number: string): Promise<{ wuid: string; profilePictureUrl: string | null }> {
    const jid = toJid(number);
    const url = await this.context
      .socket()
      .profilePictureUrl(jid, 'image')
      .catch(() => undefined);
    return { wuid: jid, profilePictureUrl: url ?? null };
  }

  /** Shows `presence` in the chat with `number` for `delay` ms, then paused, as Evolution does. */
  async chatPresence(number: string, presence: Presence, delay: number): Promise<{ presence: Presence }> {
    const socket = this.context.socket();
    const jid = await this.recipient(socket, number);
    await socket.presenceSubscribe(jid);
    const until = performance.now() + delay;
    for (;;) {
      await socket.sendPresenceUpdate(presence, jid);
      // Timers may fire a moment early: wait on the monotonic clock until the whole delay has passed.
      let left = until - performance.now();
      for (; left > 0 && left <= CHAT_STATE_REFRESH_MS; left = until - performance.now()) await sleep(Math.ceil(left));
      if (left <= 0) break;
      await sleep(CHAT_STATE_REFRESH_MS);
    }
    await socket.sendPresenceUpdate('paused', jid);
    return { presence };
  }

  async blockStatus(number: string, status: 'block' | 'unblock'): Promise<{ block: 'success' }> {
    const socket = this.context.socket();
    const jid = await this.recipient(socket, number);
    await socket.updateBlockStatus(jid, status);
    return { block: 'success' };
  }

  /** The media of a stored message, downloaded again from WhatsApp's media host (re-uploaded by the sender's phone if expired). */
  async downloadMedia(key: MessageKey, message: Record<string, unknown>): Promise<{ base64: string }> {
    const socket = this.context.socket();
    const content = proto.Message.fromObject(message);
    const bytes = await downloadMediaMessage({ key, message: content }, 'buffer', {}, {
      logger: this.context.logger,
      reuploadRequest: socket.updateMediaMessage,
    }).catch((error: unknown) => {
      this.context.logger.warn({ err: error, messageId: key.id }, 'media download failed');
      throw new CommandError('whatsapp-error', `The media of message ${key.id} could not be downloaded`);
    });
    return { base64: bytes.toString('base64') };
  }

  /** Mentions and link preview: what a send needs from WhatsApp or the web first. */
  private async extras(socket: WASocket, jid: string, request: SendRequest): Promise<ContentExtras> {
    const { options, content } = request;
    const participants = options.mentionsEveryOne && jid.endsWith('@g.us') ? await this.participants(socket, jid) : undefined;
    const mentions = mentionList({ chat: jid, mentioned: options.mentioned, everyOne: options.mentionsEveryOne, participants });
    // Evolution previews links unless told not to.
    const linkPreview = content.type === 'text' && options.linkPreview !== false ? await linkPreviewFor(content.text, this.context.logger) : null;
    return { mentions, linkPreview };
  }

  private async participants(socket: WASocket, jid: string): Promise<string[]> {
    try {
      return (await socket.groupMetadata(jid)).participants.map((participant) => participant.id);
    } catch (error) {
      this.context.logger.warn({ err: error, jid }, 'group metadata for mentionsEveryOne failed');
      throw new CommandError('not-found', `The group ${jid} was not found`);
    }
  }

  /** The jid to send to; a phone number must be on WhatsApp. */
  private async recipient(socket: WASocket, number: string): Promise<string> {
    const jid = toJid(number);
    if (!needsNumberCheck(jid)) return jid;
    const cached = this.known.get(jid);
    if (cached && cached.until > Date.now()) return cached.jid;
    const [found] = (await socket.onWhatsApp(jid)) ?? [];
    if (!found?.exists) {
      throw new CommandError('not-on-whatsapp', `The number ${number} is not on WhatsApp`);
    }
    this.known.set(jid, { jid: found.jid, until: Date.now() + NUMBER_CHECK_TTL_MS });
    return found.jid;
  }

  private remember(id: string): void {
    const { sentIds } = this.context;
    sentIds.add(id);
    if (sentIds.size > SENT_IDS_KEPT) sentIds.delete(sentIds.values().next().value as string);
  }
}
