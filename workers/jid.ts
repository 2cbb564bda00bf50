import { isJidGroup } from '@whiskeysockets/baileys';
import { normalizeJid } from '../lib/messages/jid.js';

/**
 * The jid for what clients put in `number`: digits (any punctuation is
 * dropped), a user jid, or a group/broadcast/lid jid taken as is.
 */
export function toJid(number: string): string {
  return normalizeJid(number);
}

/** Whether a jid must be checked with WhatsApp before sending (a phone number). */
export function needsNumberCheck(jid: string): boolean {
  return jid.endsWith('@s.whatsapp.net') && !isJidGroup(jid);
}
