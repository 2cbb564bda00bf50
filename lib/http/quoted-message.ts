import { normalizeJid } from '../messages/jid.js';
import { whatsappKey } from '../messages/message-key.js';
import type { QuotedRef } from '../messages/types.js';
import type { FindMessage } from '../store/message-lookup.js';
import { badRequest } from './errors.js';

/** `quoted` as clients send it: Evolution documents the id alone. */
export interface QuotedBody {
  key: { id: string; remoteJid?: string; fromMe?: boolean; participant?: string };
  message?: Record<string, unknown>;
}

/**
 * The message a send replies to. A quote needs the quoted message's content
 * and sender, so a key without them is completed from the instance's message
 * store: first in the chat the reply goes to (or the one named), then by id
 * alone, as Evolution looks it up. An id the store does not know is refused
 * (400) rather than sent as a plain message, which Evolution does silently;
 * a client that sends the content too is trusted with it.
 */
export async function resolveQuoted(
  findMessage: FindMessage,
  instanceId: string,
  chat: string,
  quoted: QuotedBody | undefined,
): Promise<QuotedRef | undefined> {
  if (!quoted) return undefined;
  const { key } = quoted;
  const remoteJid = normalizeJid(key.remoteJid ?? chat);
  const participant = key.participant ? { participant: normalizeJid(key.participant) } : {};
  if (quoted.message && key.remoteJid !== undefined && key.fromMe !== undefined) {
    return { key: { id: key.id, remoteJid, fromMe: key.fromMe, ...participant }, message: quoted.message };
  }
  const stored = (await findMessage(instanceId, { id: key.id, remoteJid })) ?? (await findMessage(instanceId, { id: key.id }));
  if (stored) {
    return { key: whatsappKey(stored.key), message: quoted.message ?? stored.message };
  }
  if (quoted.message) return { key: { id: key.id, remoteJid, fromMe: key.fromMe ?? false, ...participant }, message: quoted.message };
  throw badRequest(`quoted.key.id: no message with id ${key.id} is known to this instance`);
}
