import { createHash } from 'node:crypto';

/**
 * An event id that is the same each time one WhatsApp message (or one status
 * of it) is turned into an event: a callback handled twice after a crash gives
 * consumers the same id, so they can drop the second. Laid out as a UUID
 * (version 5 style, from a SHA-256) to fit where random ids go.
 */
export function stableEventId(instanceId: string, wamid: string, kind: string): string {
  const hex = createHash('sha256').update(`${instanceId}\u0000${wamid}\u0000${kind}`, 'utf8').digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
