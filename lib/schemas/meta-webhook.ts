// Meta's calls to /webhook/meta (Cloud API webhooks): the verification
// handshake's query and the envelope of a callback.

/** GET: hub.mode=subscribe, the verify token and a challenge to echo. */
export const metaVerificationQuery = {
  type: 'object',
  properties: {
    'hub.mode': { type: 'string', maxLength: 32 },
    'hub.verify_token': { type: 'string', maxLength: 255 },
    'hub.challenge': { type: 'string', maxLength: 255 },
  },
} as const;

/**
 * POST: the envelope only; the changes inside are read field by field (Meta
 * adds fields over time, so they are not held to a closed schema).
 */
export const metaCallbackBody = {
  type: 'object',
  properties: {
    object: { type: 'string', maxLength: 64 },
    entry: { type: 'array', maxItems: 1_000, items: { type: 'object' } },
  },
} as const;
