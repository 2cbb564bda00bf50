// What Meta posts to /webhook/meta: its signature, and the `messages` changes
// it carries, named by the phone number id they belong to.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../http/auth.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One `messages` change: what happened on one business number. */
export interface MessagesChange {
  phoneNumberId: string;
  value: Json;
}

/**
 * The `messages` changes of a callback body, in Meta's order. Other fields
 * (template reviews, account updates) are left out: they carry no message.
 */
export function messagesChanges(body: unknown): MessagesChange[] {
  if (!isObject(body) || !Array.isArray(body.entry)) return [];
  const changes: MessagesChange[] = [];
  for (const entry of body.entry) {
    if (!isObject(entry) || !Array.isArray(entry.changes)) continue;
    for (const change of entry.changes) {
      if (!isObject(change) || change.field !== 'messages' || !isObject(change.value)) continue;
      const metadata = change.value.metadata;
      const phoneNumberId = isObject(metadata) ? metadata.phone_number_id : undefined;
      if (typeof phoneNumberId !== 'string' || phoneNumberId === '') continue;
      changes.push({ phoneNumberId, value: change.value });
    }
  }
  return changes;
}

/**
 * Whether `header` (X-Hub-Signature-256: `sha256=<hex>`) is Meta's HMAC of the
 * raw body with the app secret; compared in constant time.
 */
export function validSignature(raw: string, header: string | undefined, appSecret: string): boolean {
  if (!header) return false;
  const expected = `sha256=${createHmac('sha256', appSecret).update(raw, 'utf8').digest('hex')}`;
  return safeEqual(header.trim().toLowerCase(), expected);
}
