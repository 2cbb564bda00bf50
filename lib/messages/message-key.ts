import type { MessageKey, RecordKey } from './types.js';

/**
 * The key WhatsApp addresses a message by, from a stored or reported one:
 * without the alternate addresses it was reported with, which a quote,
 * a read mark or a deletion does not carry.
 */
export function whatsappKey(key: RecordKey): MessageKey {
  const { remoteJidAlt: _remoteJidAlt, participantAlt: _participantAlt, ...own } = key;
  return own;
}

/** Of an address and its alternate, the one by phone number; the address itself when neither is. */
export function byPhoneNumber(jid: string, alt: string | undefined): string {
  return [jid, alt].find((candidate) => candidate?.endsWith('@s.whatsapp.net')) ?? jid;
}
