// Mirrors WhatsApp messages into the instance's Chatwoot inbox: the contact
// found by phone number (or made), its conversation reused or opened, then the
// message, made at most once: its source_id carries the WhatsApp id and is
// looked for before creating, so a retry after a lost answer finds it.
import { randomUUID } from 'node:crypto';
import { avatarUpdate } from '../chatwoot/avatar.js';
import { ChatwootClient, type ChatwootResult, type CwContact, type CwConversation, type FileUpload, type NewMessage } from '../chatwoot/client.js';
import { ensureInbox } from '../chatwoot/inbox.js';
import { editedContent, editLinkId } from '../chatwoot/edited-message.js';
import { chatwootContent, groupAuthorPrefix } from '../chatwoot/message-content.js';
import { reactionOf, type Reaction } from '../chatwoot/reaction.js';
import { phoneVariants } from '../chatwoot/phone-variants.js';
import { chatJid } from '../chatwoot/history-import.js';
import { sourceIdOf } from '../chatwoot/source-id.js';
import { byPhoneNumber } from '../messages/message-key.js';
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

type MessageDelivery = Extract<ChatwootDelivery, { message: unknown }>;
type EditDelivery = Extract<ChatwootDelivery, { kind: 'edit' }>;
type DeleteDelivery = Extract<ChatwootDelivery, { kind: 'delete' }>;

/**
 * How long a contact's avatar is trusted before its WhatsApp picture is looked
 * up again: a lookup (and, against Chatwoot, most likely an update) for every
 * incoming message would cost more than a stale picture.
 */
const AVATAR_REFRESH_MS = 60 * 60_000;
const AVATAR_CHECKS_KEPT = 10_000;

export class ChatwootSink implements Sink<'chatwoot'> {
  readonly name = 'chatwoot' as const;
  /** `<instance id>:<contact id>` → when its avatar was last checked. */
  private readonly avatarCheckedAt = new Map<string, number>();

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
      // Deleted meanwhile: its links may no longer be written, and nothing is owed to its inbox.
      if (!(await this.deps.repos.chatwootLinks.instanceExists(delivery.instance.id))) return delivered();
      throw error;
    }
  }

  async close(): Promise<void> {}

  private async mirror(delivery: ChatwootDelivery): Promise<DeliveryOutcome> {
    // A deleted instance's inbox takes nothing more, and its links are gone with it.
    if (!(await this.deps.repos.chatwootLinks.instanceExists(delivery.instance.id))) return delivered();
    if (delivery.kind === 'contact') return this.importContact(delivery);
    if (delivery.kind === 'edit') return this.mirrorEdit(delivery);
    if (delivery.kind === 'delete') return this.mirrorDelete(delivery);
    return this.mirrorMessage(delivery);
  }

  /** A synced contact: found by phone number, or made; never twice. */
  private async importContact(delivery: Extract<ChatwootDelivery, { kind: 'contact' }>): Promise<DeliveryOutcome> {
    const { instance, chatwoot, contact } = delivery;
    const client = new ChatwootClient(chatwoot, this.deps.config.chatwoot.timeoutMs);
    const inboxId = must(await ensureInbox(client, this.deps.repos.chatwootLinks, instance, chatwoot, this.deps.config.server.url));
    await this.contact(client, delivery, inboxId, { jid: contact.remoteJid, name: contact.pushName, incoming: false });
    return delivered();
  }

  private async mirrorMessage(delivery: MessageDelivery): Promise<DeliveryOutcome> {
    const { instance, chatwoot, message } = delivery;
    const links = this.deps.repos.chatwootLinks;
    if (await links.message(instance.id, message.key.id)) return delivered();
    const reaction = reactionOf(message.message);
    // A reaction taken back leaves the emoji that was posted, as in Evolution.
    const content = reaction ? (reaction.text ? { text: reaction.text, file: null } : null) : chatwootContent(message);
    if (!content) return delivered();
    const client = new ChatwootClient(chatwoot, this.deps.config.chatwoot.timeoutMs);
    const inboxId = must(await ensureInbox(client, links, instance, chatwoot, this.deps.config.server.url));
    // A chat addressed by LID carries the phone number JID as its alternate.
    const jid = chatJid(message.key);
    const name = jid.endsWith('@g.us') ? null : (!message.key.fromMe && message.pushName) || null;
    const { contact, sourceId } = await this.contact(client, delivery, inboxId, { jid, name, incoming: !message.key.fromMe });
    const conversation = await this.conversation(client, delivery, inboxId, contact, sourceId);

    const source = sourceIdOf(message.key.id);
    const already = must(await client.listMessages(conversation.id)).find((m) => m.source_id === source);
    const made = already ?? (await this.create(client, conversation.id, await this.newMessage(delivery, content.text, source, reaction), content.file));
    await links.saveMessage(instance.id, message.key.id, { conversationId: conversation.id, messageId: made.id });
    this.logger.debug({ instance: instance.name, conversationId: conversation.id, messageId: made.id }, 'message mirrored to chatwoot');
    return delivered();
  }

  /**
   * An edit: a new message under the original's source id, replying to it. A
   * message never mirrored has nothing to attach the edit to, so it is skipped.
   */
  private async mirrorEdit(delivery: EditDelivery): Promise<DeliveryOutcome> {
    const { instance, chatwoot, edit } = delivery;
    const links = this.deps.repos.chatwootLinks;
    const linkId = editLinkId(edit.whatsappId, edit.editedAt);
    if (await links.message(instance.id, linkId)) return delivered();
    const original = await links.message(instance.id, edit.whatsappId);
    if (!original) return delivered();
    const client = new ChatwootClient(chatwoot, this.deps.config.chatwoot.timeoutMs);
    const content = editedContent(edit.text);
    const source = sourceIdOf(edit.whatsappId);
    // The edit shares the original's source id: a retry knows its own by the content too.
    const already = must(await client.listMessages(original.conversationId)).find((m) => m.source_id === source && m.content === content);
    const made =
      already ??
      must(
        await client.createMessage(original.conversationId, {
          content,
          message_type: edit.fromMe ? 'outgoing' : 'incoming',
          source_id: source,
          content_attributes: { in_reply_to: original.messageId },
        }),
      );
    await links.saveMessage(instance.id, linkId, { conversationId: original.conversationId, messageId: made.id });
    this.logger.debug({ instance: instance.name, conversationId: original.conversationId, messageId: made.id }, 'edit mirrored to chatwoot');
    return delivered();
  }

  /** With CHATWOOT_MESSAGE_DELETE, a message deleted for everyone on WhatsApp is deleted in Chatwoot. */
  private async mirrorDelete(delivery: DeleteDelivery): Promise<DeliveryOutcome> {
    if (!this.deps.config.chatwoot.messageDelete) return delivered();
    const { instance, chatwoot, whatsappId } = delivery;
    const link = await this.deps.repos.chatwootLinks.message(instance.id, whatsappId);
    if (!link) return delivered();
    const client = new ChatwootClient(chatwoot, this.deps.config.chatwoot.timeoutMs);
    const deleted = await client.deleteMessage(link.conversationId, link.messageId);
    // Gone already (deleted by an agent, or its conversation with it): nothing is left to delete.
    if (!deleted.ok && deleted.status !== 404) must(deleted);
    this.logger.debug({ instance: instance.name, conversationId: link.conversationId, messageId: link.messageId }, 'deletion mirrored to chatwoot');
    return delivered();
  }

  private async create(client: ChatwootClient, conversationId: number, message: NewMessage, file: FileUpload | null) {
    return must(file ? await client.createMessageWithFile(conversationId, message, file) : await client.createMessage(conversationId, message));
  }

  private async newMessage(delivery: MessageDelivery, text: string, source: string, reaction: Reaction | null): Promise<NewMessage> {
    const { message, instance } = delivery;
    const group = message.key.remoteJid.endsWith('@g.us');
    // The author by phone number, also in a group that names its members by LID (as Evolution does).
    const participant = message.key.participant ? byPhoneNumber(message.key.participant, message.key.participantAlt) : undefined;
    // Evolution posts a reaction's emoji alone, even in groups.
    const authored = group && !reaction && !message.key.fromMe && participant ? `${groupAuthorPrefix(userPart(participant), message.pushName)}${text ? `\n\n${text}` : ''}` : text;
    const quotedId = reaction ? reaction.targetId : typeof message.contextInfo?.stanzaId === 'string' ? message.contextInfo.stanzaId : null;
    const quoted = quotedId ? await this.deps.repos.chatwootLinks.message(instance.id, quotedId) : null;
    return {
      content: authored,
      message_type: message.key.fromMe ? 'outgoing' : 'incoming',
      source_id: source,
      ...(quoted ? { content_attributes: { in_reply_to: quoted.messageId } } : {}),
    };
  }

  /**
   * The chat's contact: a person by phone number, a group by its JID; `name`
   * and the WhatsApp profile picture when it is made. As in Evolution, an
   * incoming message brings a found contact's avatar up to date.
   */
  private async contact(
    client: ChatwootClient,
    delivery: ChatwootDelivery,
    inboxId: number,
    chat: { jid: string; name: string | null; incoming: boolean },
  ): Promise<{ contact: CwContact; sourceId: string | null }> {
    const { chatwoot, instance } = delivery;
    const { jid } = chat;
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
    if (existing) {
      if (chat.incoming) await this.refreshAvatar(client, instance, existing, jid);
      return linked(existing);
    }
    const name = group ? `${digits} (GROUP)` : chat.name || digits;
    const avatarUrl = await this.deps.profilePicture(instance, jid);
    const created = await client.createContact({
      inbox_id: inboxId,
      name,
      identifier: jid,
      ...(group ? {} : { phone_number: `+${digits}` }),
      ...(avatarUrl ? { avatar_url: avatarUrl } : {}),
    });
    if (created.ok) return { contact: created.value.contact, sourceId: created.value.sourceId };
    // Made by an earlier try whose answer was lost: it is there now.
    const again = (await find())[0];
    if (again) return linked(again);
    throw new Failed(created.retryable ? retry(created.error) : reject(created.error));
  }

  /** A new WhatsApp picture becomes the contact's avatar; failing that, the message still goes through. */
  private async refreshAvatar(client: ChatwootClient, instance: { id: string; name: string }, contact: CwContact, jid: string): Promise<void> {
    const key = `${instance.id}:${contact.id}`;
    const checkedAt = this.avatarCheckedAt.get(key);
    if (checkedAt !== undefined && Date.now() - checkedAt < AVATAR_REFRESH_MS) return;
    if (this.avatarCheckedAt.size >= AVATAR_CHECKS_KEPT) this.avatarCheckedAt.clear();
    this.avatarCheckedAt.set(key, Date.now());
    const avatarUrl = avatarUpdate(await this.deps.profilePicture(instance, jid), contact.thumbnail);
    if (!avatarUrl) return;
    const updated = await client.updateContact(contact.id, { avatar_url: avatarUrl });
    if (!updated.ok) this.logger.warn({ instance: instance.name, contactId: contact.id, error: updated.error }, 'chatwoot avatar update failed');
  }

  private async conversation(client: ChatwootClient, delivery: MessageDelivery, inboxId: number, contact: CwContact, sourceId: string | null): Promise<CwConversation> {
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
