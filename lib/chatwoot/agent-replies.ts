// Agents' Chatwoot messages on their way to WhatsApp. The webhook only records
// them (answered in milliseconds); each instance's messages are then sent in
// order, in the background. A message is recorded once per Chatwoot id, so a
// webhook Chatwoot repeats is not sent again; one left unsent by a restart is
// sent at the next start, under the WhatsApp ids chosen when it was recorded.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import type { ChatwootConfig } from '../instance-config/chatwoot.js';
import type { Instance } from '../db/instances.js';
import type { ChatwootReply } from '../db/chatwoot-replies.js';
import { DomainError } from '../errors.js';
import type { ConnectionDeps } from '../instances/connection.js';
import type { QuotedRef, SendContent } from '../messages/types.js';
import { whatsappKey } from '../messages/message-key.js';
import { ShuttingDownError } from '../supervisor/supervisor.js';
import type { MediaSource, PreparedMedia } from '../../workers/cpu.js';
import { agentAction } from './agent-message.js';
import { partsOf, type AgentPart } from './agent-parts.js';
import { parseBotCommand, runBotCommand } from './bot-commands.js';
import { ChatwootClient } from './client.js';

export interface AgentReplyDeps extends ConnectionDeps {
  prepareMedia(source: MediaSource): Promise<PreparedMedia>;
}

/** While the instance is meant to be connected (e.g. reconnecting), a send waits this long for it. */
const CONNECTION_WAIT_MS = 30_000;
const CONNECTION_POLL_MS = 1_000;

const NOT_ON_WHATSAPP = '🚨 The message was not sent as the contact is not a valid Whatsapp number.';
const notSent = (why: string) => `🚨 The message could not be sent. Please check your connection. _${why}_`;

/** A WhatsApp message id of the kind WhatsApp Web makes. */
const newWhatsappId = () => `3EB0${randomBytes(10).toString('hex').toUpperCase()}`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

class Unsendable extends Error {}

export class AgentReplies {
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly queued = new Set<string>();

  constructor(private readonly deps: AgentReplyDeps) {}

  /** What the webhook does with a Chatwoot event: records or starts the work, never waits for WhatsApp. */
  async accept(instance: Instance, chatwoot: ChatwootConfig, body: unknown): Promise<void> {
    const logger = this.deps.logger.child({ instance: instance.name });
    const action = agentAction(body, chatwoot);
    switch (action.kind) {
      case 'ignore':
        logger.debug({ reason: action.reason }, 'chatwoot webhook ignored');
        return;
      case 'send': {
        const whatsappIds = partsOf(action.send).map(newWhatsappId);
        const fresh = await this.deps.repos.chatwootReplies.accept({ instanceId: instance.id, messageId: action.messageId, conversationId: action.conversationId, send: action.send, whatsappIds });
        if (!fresh) {
          logger.info({ chatwootMessageId: action.messageId }, 'chatwoot message already received; not sent again');
          return;
        }
        this.enqueue(instance.id, action.messageId);
        return;
      }
      case 'delete':
        this.background(logger, 'revoke', () => this.revoke(instance, action.messageId));
        return;
      case 'command': {
        const command = parseBotCommand(action.command);
        if (!command) return;
        const client = new ChatwootClient(chatwoot, this.deps.config.chatwoot.timeoutMs);
        const { conversationId, inboxName } = action;
        this.background(logger, `bot command ${command.kind}`, () => runBotCommand(command, { deps: this.deps, instance, client, conversationId, inboxName }));
        return;
      }
    }
  }

  /** Sends what an earlier run recorded but did not send. */
  async resume(): Promise<void> {
    for (const reply of await this.deps.repos.chatwootReplies.pending()) this.enqueue(reply.instanceId, reply.messageId);
  }

  private background(logger: AgentReplyDeps['logger'], what: string, work: () => Promise<void>): void {
    void work().catch((error: unknown) => logger.warn({ err: error }, `chatwoot ${what} failed`));
  }

  /** One lane per instance: its agents' messages reach WhatsApp in the order Chatwoot posted them. */
  private enqueue(instanceId: string, messageId: number): void {
    const key = `${instanceId}:${messageId}`;
    if (this.queued.has(key)) return;
    this.queued.add(key);
    const lane = (this.lanes.get(instanceId) ?? Promise.resolve()).then(async () => {
      try {
        await this.deliver(instanceId, messageId);
      } catch (error) {
        this.deps.logger.error({ instanceId, chatwootMessageId: messageId, err: error }, 'chatwoot message not sent; it is retried at the next start');
      } finally {
        this.queued.delete(key);
      }
    });
    this.lanes.set(instanceId, lane);
    void lane.then(() => {
      if (this.lanes.get(instanceId) === lane) this.lanes.delete(instanceId);
    });
  }

  private async deliver(instanceId: string, messageId: number): Promise<void> {
    const { repos } = this.deps;
    const reply = await repos.chatwootReplies.find(instanceId, messageId);
    if (!reply || reply.status !== 'pending') return;
    const instance = await repos.instances.findById(instanceId);
    if (!instance) {
      await repos.chatwootReplies.finish(instanceId, messageId, 'failed');
      return;
    }
    const logger = this.deps.logger.child({ instance: instance.name, chatwootMessageId: messageId });
    const parts = partsOf(reply.send);
    const quoted = await this.quoted(instance.id, reply.send.inReplyTo);
    // Read before answering, once per reply: a resumed reply has done it already.
    if (this.deps.config.chatwoot.messageRead && reply.partsSent === 0) await this.markChatRead(instance, reply.send.chat);
    for (let index = reply.partsSent; index < parts.length; index += 1) {
      const whatsappId = reply.whatsappIds[index];
      // Known before the send: the sink sees its echo (send.message) as already in Chatwoot.
      await repos.chatwootLinks.saveMessage(instance.id, whatsappId, { conversationId: reply.conversationId, messageId });
      const outcome = await this.sendPart(instance, reply, parts[index], whatsappId, quoted);
      if (outcome === 'stopping') return;
      if (outcome !== 'sent') {
        logger.warn({ error: outcome.error }, 'chatwoot message could not be sent to WhatsApp');
        await repos.chatwootReplies.finish(instance.id, messageId, 'failed');
        await this.note(instance, reply.conversationId, outcome.note);
        return;
      }
      await repos.chatwootReplies.partSent(instance.id, messageId, index + 1);
    }
    await repos.chatwootReplies.finish(instance.id, messageId, 'sent');
    logger.info({ parts: parts.length }, 'chatwoot message sent to WhatsApp');
  }

  private async sendPart(
    instance: Instance,
    reply: ChatwootReply,
    part: AgentPart,
    whatsappId: string,
    quoted: QuotedRef | undefined,
  ): Promise<'sent' | 'stopping' | { error: string; note: string }> {
    let content: SendContent;
    try {
      content = part.kind === 'text' ? { type: 'text', text: part.text } : await this.fileContent(part);
    } catch (error) {
      if (error instanceof Unsendable) return { error: error.message, note: notSent(error.message) };
      throw error;
    }
    const request = { number: reply.send.chat, content, options: { messageId: whatsappId, ...(quoted ? { quoted } : {}) } };
    const deadline = Date.now() + CONNECTION_WAIT_MS;
    for (;;) {
      try {
        await this.deps.supervisor.command(instance, { kind: 'send', request });
        return 'sent';
      } catch (error) {
        if (error instanceof ShuttingDownError) return 'stopping';
        if (!(error instanceof DomainError)) throw error;
        if (error.kind === 'not-on-whatsapp') return { error: error.message, note: NOT_ON_WHATSAPP };
        if ((error.kind === 'not-connected' || error.kind === 'unavailable') && Date.now() < deadline && (await this.meantToConnect(instance.id))) {
          await sleep(CONNECTION_POLL_MS);
          continue;
        }
        return { error: error.message, note: notSent(error.message) };
      }
    }
  }

  /** CHATWOOT_MESSAGE_READ: the contact's last message in the chat is marked read on WhatsApp. */
  private async markChatRead(instance: Instance, chat: string): Promise<void> {
    const remoteJid = chat.includes('@') ? chat : `${chat}@s.whatsapp.net`;
    const [last] = (await this.deps.repos.messages.page(instance.id, { remoteJid, fromMe: false }, 1, 1)).records;
    if (!last) return;
    try {
      await this.deps.supervisor.command(instance, { kind: 'mark-read', keys: [whatsappKey(last.key)] });
    } catch (error) {
      // The reply matters more than the receipt: it is still sent.
      this.deps.logger.warn({ instance: instance.name, err: error }, 'could not mark the chat read before an agent reply');
    }
  }

  /** The user left the instance connecting or connected: a missing connection is expected back soon. */
  private async meantToConnect(instanceId: string): Promise<boolean> {
    const current = await this.deps.repos.instances.findById(instanceId);
    return Boolean(current?.autoConnect);
  }

  private async fileContent(part: Extract<AgentPart, { kind: 'file' }>): Promise<SendContent> {
    const { attachment, caption } = part;
    const { media } = this.deps.config;
    let fileName: string | undefined;
    try {
      fileName = decodeURIComponent(basename(new URL(attachment.url).pathname)) || undefined;
    } catch {
      fileName = undefined;
    }
    const prepared = await this.deps.prepareMedia({ media: attachment.url, fileName, maxBytes: media.maxBytes, timeoutMs: media.downloadTimeoutMs });
    if (!prepared.ok) throw new Unsendable(`the file could not be read: ${prepared.error}`);
    const { data, mimetype } = prepared;
    const withCaption = caption ? { caption } : {};
    switch (attachment.kind) {
      case 'image':
        // A type WhatsApp does not show as a picture (svg, tiff…) goes as a document.
        if (/^image\/(jpeg|png|webp)$/.test(mimetype)) return { type: 'media', mediatype: 'image', data, mimetype, fileName: prepared.fileName, ...withCaption };
        break;
      case 'video':
        return { type: 'media', mediatype: 'video', data, mimetype, fileName: prepared.fileName, ...withCaption };
      case 'audio':
        if (mimetype === 'audio/ogg') return { type: 'voice', data, mimetype: 'audio/ogg; codecs=opus' };
        return { type: 'media', mediatype: 'audio', data, mimetype };
      case 'file':
        break;
    }
    return { type: 'media', mediatype: 'document', data, mimetype, fileName: prepared.fileName, ...withCaption };
  }

  /** The WhatsApp message behind the Chatwoot message replied to, when the instance has it. */
  private async quoted(instanceId: string, chatwootMessageId: number | null): Promise<QuotedRef | undefined> {
    if (chatwootMessageId === null) return undefined;
    for (const id of await this.deps.repos.chatwootLinks.whatsappIds(instanceId, chatwootMessageId)) {
      const stored = await this.deps.repos.messages.find(instanceId, { id });
      if (!stored) continue;
      return { key: whatsappKey(stored.key), message: stored.message };
    }
    return undefined;
  }

  /** An agent deleted a message in Chatwoot: what the instance sent for it is deleted for everyone. */
  private async revoke(instance: Instance, chatwootMessageId: number): Promise<void> {
    const ids = await this.deps.repos.chatwootLinks.whatsappIds(instance.id, chatwootMessageId);
    if (ids.length === 0) return;
    // A send's record reaches the store before its answer; it may not be committed yet.
    await this.deps.store.drain();
    for (const id of ids) {
      const stored = await this.deps.repos.messages.find(instance.id, { id });
      // Only our own messages can be deleted for everyone.
      if (!stored?.key.fromMe) continue;
      await this.deps.supervisor.command(instance, { kind: 'delete-for-everyone', key: whatsappKey(stored.key) });
      this.deps.logger.info({ instance: instance.name, chatwootMessageId, whatsappId: id }, 'message deleted in chatwoot revoked on WhatsApp');
    }
  }

  /** A private note tells the agents why their message did not go. */
  private async note(instance: Instance, conversationId: number, content: string): Promise<void> {
    const stored = await this.deps.repos.chatwoot.find(instance.id);
    if (!stored?.value.enabled) return;
    const client = new ChatwootClient(stored.value, this.deps.config.chatwoot.timeoutMs);
    const posted = await client.createMessage(conversationId, { content, message_type: 'outgoing', private: true });
    if (!posted.ok) this.deps.logger.warn({ instance: instance.name, error: posted.error }, 'could not leave a private note in chatwoot');
  }
}
