import { isJidGroup, jidNormalizedUser } from '@whiskeysockets/baileys';

/** Suffixes of addresses that are not a person's phone number. */
const NON_USER = ['@g.us', '@broadcast', '@lid', '@newsletter'];

/**
 * The jid for what clients put in `number`: digits (any punctuation is
 * dropped), a user jid, or a group/broadcast/lid jid taken as is.
 */
export function toJid(number: string): string {
  const value = number.trim();
  if (value.includes('@')) {
    return NON_USER.some((suffix) => value.endsWith(suffix)) ? value : jidNormalizedUser(value);
  }
  return `${value.replace(/\D/g, '')}@s.whatsapp.net`;
}

/** Whether a jid must be checked with WhatsApp before sending (a phone number). */
export function needsNumberCheck(jid: string): boolean {
  return jid.endsWith('@s.whatsapp.net') && !isJidGroup(jid);
}
