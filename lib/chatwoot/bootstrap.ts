// When an instance's Chatwoot is switched on, its inbox is made at once; a
// Chatwoot that cannot be reached does not fail the request: the first
// message delivered to Chatwoot tries again, and retries until it works.
import type { ChatwootServerConfig } from '../config.js';
import type { ChatwootLinkRepository } from '../db/chatwoot-links.js';
import type { ChatwootConfig } from '../instance-config/chatwoot.js';
import type { Logger } from '../logger.js';
import { ChatwootClient } from './client.js';
import { ensureInbox, type InboxOwner } from './inbox.js';

export interface BootstrapDeps {
  config: { chatwoot: ChatwootServerConfig; server: { url: string } };
  repos: { chatwootLinks: ChatwootLinkRepository };
  logger: Logger;
}

/** Starts the inbox bootstrap in the background; the returned promise never rejects. */
export function bootstrapInbox(deps: BootstrapDeps, owner: InboxOwner, chatwoot: ChatwootConfig): Promise<void> {
  if (!deps.config.chatwoot.enabled || !chatwoot.enabled || !chatwoot.url) return Promise.resolve();
  const logger = deps.logger.child({ instance: owner.name });
  const client = new ChatwootClient(chatwoot, deps.config.chatwoot.timeoutMs);
  return (async () => {
    // A new configuration may name another inbox or account: look it up again.
    await deps.repos.chatwootLinks.forgetInbox(owner.id);
    const result = await ensureInbox(client, deps.repos.chatwootLinks, owner, chatwoot, deps.config.server.url);
    if (result.ok) logger.info({ inboxId: result.value }, 'chatwoot inbox ready');
    else logger.warn({ error: result.error }, 'chatwoot inbox not ready yet; the next message retries');
  })().catch((error: unknown) => logger.error({ err: error }, 'chatwoot inbox bootstrap failed'));
}
