// Brazilian mobile numbers are written with and without the 9 added after the
// area code in 2012-2016: WhatsApp may know 55DDXXXXXXXX while the address
// book holds 55DD9XXXXXXXX. Either finds the same Chatwoot contact.

/** `+digits` and, for a Brazilian number, its twin with or without the 9th digit; the longest first. */
export function phoneVariants(digits: string): string[] {
  const plain = digits.replace(/\D/g, '');
  if (!plain.startsWith('55')) return [`+${plain}`];
  if (plain.length === 13 && plain[4] === '9') return [`+${plain}`, `+${plain.slice(0, 4)}${plain.slice(5)}`];
  if (plain.length === 12) return [`+${plain.slice(0, 4)}9${plain.slice(4)}`, `+${plain}`];
  return [`+${plain}`];
}
