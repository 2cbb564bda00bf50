import type { ContactCard } from './types.js';

/** A contact card as WhatsApp clients write it: the number's WhatsApp id in `waid`. */
export function vcard(contact: ContactCard): string {
  const digits = contact.phoneNumber.replace(/\D/g, '');
  const wuid = contact.wuid?.replace(/\D/g, '') || digits;
  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${contact.fullName}`,
    ...(contact.organization ? [`ORG:${contact.organization};`] : []),
    ...(contact.email ? [`EMAIL:${contact.email}`] : []),
    ...(contact.url ? [`URL:${contact.url}`] : []),
    `TEL;type=CELL;type=VOICE;waid=${wuid}:${contact.phoneNumber}`,
    'END:VCARD',
  ];
  return lines.join('\n');
}
