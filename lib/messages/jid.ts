// What clients put where WhatsApp expects a jid: bare digits, "+55 11 99999-9999",
// a user jid with a device suffix, the old "@c.us" form, or a group id. Pure
// text rules, without the WhatsApp library, so that the HTTP layer and the
// instance workers read addresses the same way.

/** Servers whose addresses are taken as they are. */
const KEPT_SERVERS = ['g.us', 'broadcast', 'lid', 'newsletter'];

/** Group ids: "<creator>-<timestamp>" (old) or 18+ digits (new), as Evolution reads them. */
function isGroupId(text: string): boolean {
  return (text.includes('-') && text.length >= 24) || /^\d{18,}$/.test(text);
}

/**
 * The jid for an address a client gives: `<digits>@s.whatsapp.net` for a phone
 * number (punctuation and any device suffix dropped), `<id>@g.us` for a group
 * id, and group, broadcast, lid and newsletter jids unchanged.
 */
export function normalizeJid(value: string): string {
  const text = value.trim();
  const at = text.lastIndexOf('@');
  if (at >= 0) {
    const server = text.slice(at + 1).toLowerCase();
    if (KEPT_SERVERS.includes(server)) return text;
    // A device or agent suffix ("5511…:12@s.whatsapp.net") names one phone of the user.
    const user = text.slice(0, at).split(':')[0].split('_')[0];
    return `${user.replace(/\D/g, '')}@s.whatsapp.net`;
  }
  const compact = text.replace(/[\s+()]/g, '');
  if (isGroupId(compact)) return `${compact.replace(/[^\d-]/g, '')}@g.us`;
  return `${compact.replace(/\D/g, '')}@s.whatsapp.net`;
}
