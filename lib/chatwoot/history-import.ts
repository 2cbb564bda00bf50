// Which synced history goes into Chatwoot: the contacts and messages of
// people (phone number JIDs), messages no older than the day limit, oldest
// first so each conversation reads in the order it was written.
import { byPhoneNumber } from '../messages/message-key.js';
import type { MessageRecord } from '../messages/types.js';
import type { ImportedContact } from '../sinks/delivery.js';

const DAY_SECONDS = 86_400;

/** The JID a chat is mirrored under: the phone number one when the chat is addressed by LID. */
export function chatJid(key: Pick<MessageRecord['key'], 'remoteJid' | 'remoteJidAlt'>): string {
  return byPhoneNumber(key.remoteJid, key.remoteJidAlt);
}

const mirrored = (jid: string, ignoreJids: readonly string[]) => jid !== 'status@broadcast' && !ignoreJids.includes(jid);

/** Contacts with a phone number, each once; a later name for the same JID wins. */
export function importableContacts(
  contacts: readonly { remoteJid: string; pushName?: string | null }[],
  ignoreJids: readonly string[],
): ImportedContact[] {
  const byJid = new Map<string, ImportedContact>();
  for (const contact of contacts) {
    if (!contact.remoteJid.endsWith('@s.whatsapp.net') || !mirrored(contact.remoteJid, ignoreJids)) continue;
    const pushName = contact.pushName || byJid.get(contact.remoteJid)?.pushName || null;
    byJid.set(contact.remoteJid, { remoteJid: contact.remoteJid, pushName });
  }
  return [...byJid.values()];
}

/** Messages sent at most `daysLimit` days before `nowSeconds`, oldest first. */
export function importableMessages(
  records: readonly MessageRecord[],
  options: { daysLimit: number; ignoreJids: readonly string[]; nowSeconds: number },
): MessageRecord[] {
  const since = options.nowSeconds - options.daysLimit * DAY_SECONDS;
  return records
    .filter((record) => record.messageTimestamp >= since && mirrored(chatJid(record.key), options.ignoreJids))
    .filter((record) => chatJid(record.key).endsWith('@s.whatsapp.net') || chatJid(record.key).endsWith('@g.us'))
    .sort((a, b) => a.messageTimestamp - b.messageTimestamp);
}
