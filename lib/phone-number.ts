/** A phone number as WhatsApp addresses it: digits only ("+55 (11) 9…" → "5511…"). */
export function digitsOnly(number: string): string {
  return number.replace(/\D/g, '');
}
