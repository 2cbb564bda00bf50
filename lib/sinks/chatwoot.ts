// Mirrors WhatsApp messages into the instance's Chatwoot inbox: the contact
// found by phone number (or made), its conversation reused or opened, then the
// message, made at most once: its source_id carries the WhatsApp id and is
// looked for before creating, so a retry after a lost answer finds it.
import { randomUUID } from 'node:crypto';
import { ChatwootClient, type ChatwootResult, type CwContact, type CwConversation, type FileUpload, type NewMessage } from '../chatwoot/client.js';
import { ensureInbox } from '../chatwoot/inbox.js';
import { chatwootContent, groupAuthorPrefix } from '../chatwoot/message-content.js';
import { phoneVariants } from '../chatwoot/phone-variants.js';
import { sourceIdOf } from '../chatwoot/source-id.js';
import type { Logger } from '../logger.js';
import { deliverBotNotice } from './chatwoot-bot.js';
import type { ChatwootDelivery, DeliveryOf } from './delivery.js';
import type { ChatwootSinkDeps } from './enabled-sinks.js';
import { delivered, reject, retry, type DeliveryOutcome, type Sink } from './sink.js';

class Failed extends Error {
  constructor(readonly outcome: DeliveryOutcome) {
    super(outcome.ok ? 'delivered' : outcome.error);
  }
}

/** The value, or a stop with the outcome its failure calls for. */
function must<T>(result: ChatwootResult<T>): T {
  if (result.ok) return result.value;
  throw new Failed(result.retryable ? retry(result.error) : reject(result.error));
}

const userPart = (jid: string) => jid.split('@')[0].split(':')[0];

export class ChatwootSink implements Sink<'chatwoot'> {
  readonly name = 'chatwoot' as const;

  constructor(
    private readonly deps: ChatwootSinkDeps,
    private readonly logger: Logger,
  ) {}

  async deliver(delivery: DeliveryOf<'chatwoot'>, eventId: string): Promise<DeliveryOutcome> {
    if ('bot' in delivery) return deliverBotNotice(this.deps, this.logger, delivery, eventId);
    try {
      return await this.mirror(delivery);
    } catch (error) {
      if (error instanceof Failed) return error.outcome;
      throw error;
    }
  }

  async close(): Promise<void> {}

  private async mirror(delivery: ChatwootDelivery): Promise<DeliveryOutcome> {
    const { instance, chatwoot, message } = delivery;
    const links = this.deps.repos.chatwootLinks;
    if (await links.message(instance.id, message.key.id)) return delivered();
    const content = chatwootContent(message);
    if (!content) return delivered();
    const client = new ChatwootClient(chatwoot, this.deps.config.chatwoot.timeoutMs);
    const inboxId = must(await ensureInbox(client, links, instance, chatwoot, this.deps.config.server.url));
    const { contact, sourceId } = await this.contact(client, delivery, inboxId);
    const conversation = await this.conversation(client, delivery, inboxId, contact, sourceId);

    const source = sourceIdOf(message.key.id);
    const already = must(await client.listMessages(conversation.id)).find((m) => m.source_id === source);
    const made = already ?? (await this.create(client, conversation.id, await this.newMessage(delivery, content.text, source), content.file));
    await links.saveMessage(instance.id, message.key.id, { conversationId: conversation.id, messageId: made.id });
    this.logger.debug({ instance: instance.name, conversationId: conversation.id, messageId: made.id }, 'message mirrored to chatwoot');
    return delivered();
  }

  private async create(client: ChatwootClient, conversationId: number, message: NewMessage, file: FileUpload | null) {
    return must(file ? await client.createMessageWithFile(conversationId, message, file) : await client.createMessage(conversationId, message));
  }

  private async newMessage(delivery: ChatwootDelivery, text: string, source: string): Promise<NewMessage> {
    const { message, instance } = delivery;
    const group = message.key.remoteJid.endsWith('@g.us');
    const participant = message.key.participant;
    const authored = group && !message.key.fromMe && participant ? `${groupAuthorPrefix(userPart(participant), message.pushName)}${text ? `\n\n${text}` : ''}` : text;
    const quotedId = typeof message.contextInfo?.stanzaId === 'string' ? message.contextInfo.stanzaId : null;
    const quoted = quotedId ? await this.deps.repos.chatwootLinks.message(instance.id, quotedId) : null;
    return {
      content: authored,
      message_type: message.key.fromMe ? 'outgoing' : 'incoming',
      source_id: source,
      ...(quoted ? { content_attributes: { in_reply_to: quoted.messageId } } : {}),
    };
  }

  /** The chat's contact: a person by phone number, a group by its JID. */
  private async contact(client: ChatwootClient, delivery: ChatwootDelivery, inboxId: number): Promise<{ contact: CwContact; sourceId: string | null }> {
    const { message, chatwoot } = delivery;
    // A chat addressed by LID carries the phone number JID as its alternate.
    const { remoteJid, remoteJidAlt } = message.key;
    const jid = [remoteJid, remoteJidAlt].find((j) => j?.endsWith('@s.whatsapp.net')) ?? remoteJid;
    const group = jid.endsWith('@g.us');
    const digits = userPart(jid);
    const find = async () => {
      if (group) return must(await client.searchContacts(jid)).filter((c) => c.identifier === jid);
      const variants = chatwoot.mergeBrazilContacts ? phoneVariants(digits) : [`+${digits}`];
      const found = must(await client.contactsByPhone(variants));
      // The fullest number first: with both saved, the one with the 9th digit wins.
      return variants.flatMap((v) => found.filter((c) => c.phone_number === v));
    };
    const linked = (contact: CwContact) => ({ contact, sourceId: contact.contact_inboxes?.find((l) => l.inbox.id === inboxId)?.source_id ?? null });
    const existing = (await find())[0];
    if (existing) return linked(existing);
    const name = group ? `${digits} (GROUP)` : (!message.key.fromMe && message.pushName) || digits;
    const created = await client.createContact({
      inbox_id: inboxId,
      name,
      identifier: jid,
      ...(group ? {} : { phone_number: `+${digits}` }),
    });
    if (created.ok) return { contact: created.value.contact, sourceId: created.value.sourceId };
    // Made by an earlier try whose answer was lost: it is there now.
    const again = (await find())[0];
    if (again) return linked(again);
    throw new Failed(created.retryable ? retry(created.error) : reject(created.error));
  }

  private async conversation(client: ChatwootClient, delivery: ChatwootDelivery, inboxId: number, contact: CwContact, sourceId: string | null): Promise<CwConversation> {
    const { reopenConversation, conversationPending } = delivery.chatwoot;
    const inInbox = must(await client.contactConversations(contact.id)).filter((c) => c.inbox_id === inboxId);
    // The newest first: a resolved conversation may have been followed by a new one.
    inInbox.sort((a, b) => b.id - a.id);
    const open = inInbox.find((c) => c.status !== 'resolved');
    if (open) return open;
    const resolved = inInbox[0];
    if (resolved && reopenConversation) {
      must(await client.toggleStatus(resolved.id, conversationPending ? 'pending' : 'open'));
      return { ...resolved, status: conversationPending ? 'pending' : 'open' };
    }
    return must(
      await client.createConversation({
        inbox_id: inboxId,
        contact_id: contact.id,
        source_id: sourceId ?? randomUUID(),
        ...(conversationPending ? { status: 'pending' as const } : {}),
      }),
    );
  }
}
