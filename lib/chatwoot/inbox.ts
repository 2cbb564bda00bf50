// The instance's Chatwoot inbox: found by name or created as an API inbox
// whose webhook comes back to this server, and remembered by id.
import type { ChatwootLinkRepository } from '../db/chatwoot-links.js';
import { chatwootWebhookUrl, type ChatwootConfig } from '../instance-config/chatwoot.js';
import { Lifecycle } from '../instances/lifecycle.js';
import type { ChatwootClient, ChatwootResult } from './client.js';

export interface InboxOwner { id: string; name: string }

/** One lookup at a time per instance: two at once would both find no inbox and both make one. */
const lookups = new Lifecycle();

/** The inbox id, from memory or from Chatwoot; a failure is for the caller to retry. */
export function ensureInbox(
  client: ChatwootClient,
  links: ChatwootLinkRepository,
  owner: InboxOwner,
  config: Pick<ChatwootConfig, 'nameInbox'>,
  serverUrl: string,
): Promise<ChatwootResult<number>> {
  return lookups.run(owner.id, () => findOrCreateInbox(client, links, owner, config, serverUrl));
}

async function findOrCreateInbox(
  client: ChatwootClient,
  links: ChatwootLinkRepository,
  owner: InboxOwner,
  config: Pick<ChatwootConfig, 'nameInbox'>,
  serverUrl: string,
): Promise<ChatwootResult<number>> {
  const known = await links.inboxId(owner.id);
  if (known !== null) return { ok: true, value: known };
  const name = config.nameInbox || owner.name;
  const webhookUrl = chatwootWebhookUrl(serverUrl, owner.name);
  const listed = await client.listInboxes();
  if (!listed.ok) return listed;
  const existing = listed.value.find((inbox) => inbox.name === name);
  let inboxId: number;
  if (existing) {
    // An inbox kept from an earlier server, or made by hand: its events must come here.
    if (existing.webhook_url !== webhookUrl) {
      const updated = await client.updateInboxWebhook(existing.id, webhookUrl);
      if (!updated.ok) return updated;
    }
    inboxId = existing.id;
  } else {
    const created = await client.createApiInbox(name, webhookUrl);
    if (!created.ok) return created;
    inboxId = created.value.id;
  }
  await links.saveInbox(owner.id, inboxId);
  return { ok: true, value: inboxId };
}
