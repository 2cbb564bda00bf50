// Reading a message the gateway itself wrote a moment ago: workers hand their
// records to the store before they answer, but the store commits them in
// batches, so a read right after may not see them yet.
import type { MessageRepository, StoredMessage } from '../db/messages.js';
import type { Store } from './store.js';

export type FindMessage = (instanceId: string, key: { id: string; remoteJid?: string }) => Promise<StoredMessage | undefined>;

/** Finds a stored message; a miss waits once for what the store has queued, then looks again. */
export function readingOwnWrites(messages: Pick<MessageRepository, 'find'>, store: Pick<Store, 'drain'>): FindMessage {
  return async (instanceId, key) => (await messages.find(instanceId, key)) ?? (await store.drain().then(() => messages.find(instanceId, key)));
}
