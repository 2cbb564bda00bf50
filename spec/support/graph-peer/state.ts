// What the peer remembers: the business's numbers, media, templates and messages.
import { createHash, randomBytes } from 'node:crypto';

export type QualityRating = 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';

export interface PhoneNumber {
  id: string;
  wabaId: string;
  display_phone_number: string;
  verified_name: string;
  quality_rating: QualityRating;
  profile: BusinessProfile;
}
export interface BusinessProfile {
  about?: string;
  address?: string;
  description?: string;
  email?: string;
  profile_picture_url?: string;
  websites?: string[];
  vertical?: string;
}
export interface Media {
  id: string;
  phoneNumberId: string;
  bytes: Buffer;
  mimeType: string;
  sha256: string;
  filename?: string;
}
export interface Template {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: string;
  status: TemplateStatus;
  components: Array<Record<string, unknown>>;
}
/** A message the peer accepted from the business (POST /messages), as sent. */
export interface SentMessage {
  id: string;
  phoneNumberId: string;
  waId: string;
  type: string;
  body: Record<string, unknown>;
  at: number;
}

/** Random decimal digits, as Graph's object ids are. */
export const numericId = (digits = 15) => String(1 + Math.floor(Math.random() * 9)) + Array.from({ length: digits - 1 }, () => Math.floor(Math.random() * 10)).join('');

/**
 * A WhatsApp message id: `wamid.` and base64 of a small record holding the chat's number
 * and a random key, laid out as Meta's ids are (so they start `wamid.HBgL`, `HBgM`... by
 * the number's length); messages to users carry an 18-character key, from users 20.
 */
export function wamid(waId: string, direction: 'outgoing' | 'incoming' = 'outgoing'): string {
  const keyLength = direction === 'outgoing' ? 18 : 20;
  const key = randomBytes(keyLength / 2).toString('hex').toUpperCase();
  const raw = Buffer.concat([
    Buffer.from([0x1c, 0x18, waId.length]),
    Buffer.from(waId),
    Buffer.from([0x15, 0x02, 0x00, direction === 'outgoing' ? 0x11 : 0x12, 0x18, keyLength]),
    Buffer.from(key),
    Buffer.from([0x00]),
  ]);
  return `wamid.${raw.toString('base64')}`;
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
export const sha256Base64 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');

export class GraphState {
  readonly phoneNumbers: PhoneNumber[] = [];
  readonly tokens = new Set<string>();
  readonly media = new Map<string, Media>();
  readonly templates: Template[] = [];
  readonly sent: SentMessage[] = [];
  /** wamids of messages users sent to each number: what mark-as-read may name. */
  readonly received = new Map<string, Set<string>>();

  phoneNumber(id: string): PhoneNumber | undefined {
    return this.phoneNumbers.find((p) => p.id === id);
  }

  isWaba(id: string): boolean {
    return this.phoneNumbers.some((p) => p.wabaId === id);
  }

  storeMedia(phoneNumberId: string, bytes: Buffer, mimeType: string, filename?: string): Media {
    const media: Media = { id: numericId(16), phoneNumberId, bytes, mimeType, sha256: sha256Hex(bytes), filename };
    this.media.set(media.id, media);
    return media;
  }

  template(wabaId: string, name: string, language: string): Template | undefined {
    return this.templates.find((t) => t.wabaId === wabaId && t.name === name && t.language === language);
  }

  noteReceived(phoneNumberId: string, id: string): void {
    const ids = this.received.get(phoneNumberId) ?? new Set<string>();
    ids.add(id);
    this.received.set(phoneNumberId, ids);
  }
}
