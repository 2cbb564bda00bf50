// The bot contact of an instance's inbox and its conversation, where the
// gateway talks to the agents about the instance itself (connection news, QR
// codes, answers to commands). Evolution's bot is the contact with phone
// +123456, named by the `organization` setting and pictured by `logo`.
import { randomUUID } from 'node:crypto';
import type { ChatwootLinkRepository } from '../db/chatwoot-links.js';
import type { ChatwootConfig } from '../instance-config/chatwoot.js';
import { Lifecycle } from '../instances/lifecycle.js';
import { ChatwootClient, type ChatwootResult, type CwContact, type CwConversation, type CwMessage, type FileUpload } from './client.js';
import { ensureInbox, type InboxOwner } from './inbox.js';

export const BOT_PHONE = '+123456';
export const BOT_DEFAULT_NAME = 'EvolutionAPI';
export const BOT_DEFAULT_AVATAR = 'https://evolution-api.com/files/evolution-api-favicon.png';

/** A post in the bot conversation. */
export interface BotPost {
  content: string;
  file?: FileUpload;
  /**
   * Marks the message so that posting it again (a retry after a lost answer)
   * finds it instead of making a second one.
   */
  sourceId?: string;
}

export interface BotConversationDeps {
  links: ChatwootLinkRepository;
  serverUrl: string;
  timeoutMs: number;
}

type BotSettings = Pick<ChatwootConfig, 'nameInbox' | 'organization' | 'logo'>;

async function findBot(client: ChatwootClient): Promise<ChatwootResult<CwContact | null>> {
  const found = await client.contactsByPhone([BOT_PHONE]);
  if (!found.ok) return found;
  return { ok: true, value: found.value.find((c) => c.phone_number === BOT_PHONE) ?? null };
}

/** The bot contact, made (linked to the inbox) when the account has none. */
export async function ensureBotContact(client: ChatwootClient, inboxId: number, settings: BotSettings): Promise<ChatwootResult<CwContact>> {
  const existing = await findBot(client);
  if (!existing.ok) return existing;
  if (existing.value) return { ok: true, value: existing.value };
  const created = await client.createContact({
    inbox_id: inboxId,
    name: settings.organization || BOT_DEFAULT_NAME,
    phone_number: BOT_PHONE,
    avatar_url: settings.logo || BOT_DEFAULT_AVATAR,
  });
  if (created.ok) return { ok: true, value: { ...created.value.contact, contact_inboxes: [{ source_id: created.value.sourceId, inbox: { id: inboxId } }] } };
  // Made meanwhile by another inbox of the account, or by a try whose answer was lost.
  const again = await findBot(client);
  return again.ok && again.value ? { ok: true, value: again.value } : created;
}

/** The bot's open conversation in the inbox (the newest one not resolved), or a new one. */
export async function ensureBotConversation(client: ChatwootClient, inboxId: number, settings: BotSettings): Promise<ChatwootResult<CwConversation>> {
  const contact = await ensureBotContact(client, inboxId, settings);
  if (!contact.ok) return contact;
  const listed = await client.contactConversations(contact.value.id);
  if (!listed.ok) return listed;
  const open = listed.value
    .filter((c) => c.inbox_id === inboxId && c.status !== 'resolved')
    .sort((a, b) => b.id - a.id)[0];
  if (open) return { ok: true, value: open };
  const sourceId = contact.value.contact_inboxes?.find((link) => link.inbox.id === inboxId)?.source_id ?? randomUUID();
  return client.createConversation({ inbox_id: inboxId, contact_id: contact.value.id, source_id: sourceId });
}

/** Posts into a conversation as the bot (an incoming message), at most once per source id. */
export async function postAsBot(client: ChatwootClient, conversationId: number, post: BotPost): Promise<ChatwootResult<CwMessage>> {
  if (post.sourceId) {
    const listed = await client.listMessages(conversationId);
    if (!listed.ok) return listed;
    const already = listed.value.find((m) => m.source_id === post.sourceId);
    if (already) return { ok: true, value: already };
  }
  const message = { content: post.content, message_type: 'incoming' as const, ...(post.sourceId ? { source_id: post.sourceId } : {}) };
  return post.file ? client.createMessageWithFile(conversationId, message, post.file) : client.createMessage(conversationId, message);
}

/** One post at a time per instance: two at once would each make a conversation (notices and command answers may meet). */
const posting = new Lifecycle();

/**
 * Posts into the bot conversation of an instance's inbox, finding or making
 * the inbox, the bot contact and its conversation on the way. A failure is
 * returned, for the caller to retry or give up.
 */
export function postToBotConversation(
  deps: BotConversationDeps,
  owner: InboxOwner,
  chatwoot: ChatwootConfig,
  post: BotPost,
): Promise<ChatwootResult<CwMessage>> {
  return posting.run(owner.id, () => findAndPost(deps, owner, chatwoot, post));
}

async function findAndPost(deps: BotConversationDeps, owner: InboxOwner, chatwoot: ChatwootConfig, post: BotPost): Promise<ChatwootResult<CwMessage>> {
  const client = new ChatwootClient(chatwoot, deps.timeoutMs);
  const inboxId = await ensureInbox(client, deps.links, owner, chatwoot, deps.serverUrl);
  if (!inboxId.ok) return inboxId;
  const conversation = await ensureBotConversation(client, inboxId.value, chatwoot);
  if (!conversation.ok) return conversation;
  return postAsBot(client, conversation.value.id, post);
}
