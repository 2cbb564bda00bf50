// The one name an instance goes by on every broker: RabbitMQ exchange and
// queue prefix, SQS queue prefix and NATS subject prefix.
import { createHash } from 'node:crypto';

/**
 * Longest broker name: the longest SQS queue built from it,
 * `<name>_group_participants_update.fifo`, must stay within SQS's 80 characters.
 */
export const BROKER_NAME_MAX = 49;

const HASH_LENGTH = 10;
const PLAIN = new RegExp(`^[A-Za-z0-9_-]{1,${BROKER_NAME_MAX}}$`);
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32 (lowercase, unpadded) of the first bits of the name's SHA-256. */
function hashOf(name: string): string {
  const digest = createHash('sha256').update(name, 'utf8').digest();
  let out = '';
  for (let i = 0; i < HASH_LENGTH; i += 1) {
    const bit = i * 5;
    const byte = bit >> 3;
    const pair = (digest[byte] << 8) | (digest[byte + 1] ?? 0);
    out += BASE32[(pair >> (11 - (bit & 7))) & 31];
  }
  return out;
}

/** Letters with accents lose them; anything else outside `[A-Za-z0-9_-]` becomes `_`, runs as one. */
function sanitized(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9_-]+/g, '_');
}

/**
 * A name made only of letters, digits, `_` and `-`, at most 49 long, is its own
 * broker name, so that destinations are named exactly as Evolution names them.
 * Any other name becomes a readable prefix, `-`, and a hash of the exact name:
 * `acme.eu` → `acme_eu-<hash>`, which differs from `acme_eu`'s own name.
 * Every result satisfies all three brokers: no dot (so no `amq.` prefix and no
 * NATS token boundary), no wildcard or space, never empty, SQS-safe characters.
 * Uniqueness across instances is enforced by the database, not assumed.
 */
export function brokerName(name: string): string {
  if (PLAIN.test(name)) return name;
  const prefix = Array.from(sanitized(name)).slice(0, BROKER_NAME_MAX - HASH_LENGTH - 1).join('');
  return `${prefix}-${hashOf(name)}`;
}
