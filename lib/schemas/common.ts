// Schema fragments shared by more than one route. Plain data, `as const` so that
// request types can be derived from them with json-schema-to-ts.
import { ACCEPTED_EVENT_LIST } from '../events/names.js';
import { PROXY_PROTOCOL_NAMES } from '../instance-config/proxy.js';

// Limits below match the columns values are stored in (migrations/): PostgreSQL
// refuses a longer string or a larger integer, SQLite would store it; the
// schema gives both the same answer, a 400 that names the field.

/** Largest value of an `integer` column. */
export const INTEGER_COLUMN_MAX = 2_147_483_647;

/**
 * Evolution accepts any name, spaces and accents included, and users have such
 * instances. Refused is only what cannot travel as one URL path segment: a
 * slash (or a backslash, which URL parsers read as one), a control character,
 * and the dot segments "." and "..", which URL normalisation removes.
 */
export const INSTANCE_NAME_PATTERN = '^(?!\\.{1,2}$)[^/\\\\\\u0000-\\u001F\\u007F]+$';

export const instanceName = {
  type: 'string',
  minLength: 1,
  maxLength: 100,
  pattern: INSTANCE_NAME_PATTERN,
  'x-rule': 'must be usable as one URL path segment: no "/", "\\" or control characters, and not "." or ".."',
} as const;

/** Path params of every `/<resource>/<action>/:instanceName` route. */
export const instanceParams = {
  type: 'object',
  required: ['instanceName'],
  properties: { instanceName },
} as const;

export const events = {
  type: 'array',
  items: {
    type: 'string',
    enum: ACCEPTED_EVENT_LIST,
    'x-rule': 'must be an event name such as MESSAGES_UPSERT or CONNECTION_UPDATE',
  },
} as const;

export const httpUrl = {
  type: 'string',
  format: 'uri',
  pattern: '^[hH][tT][tT][pP][sS]?://',
  'x-rule': 'must be an http(s) URL',
} as const;

/** Headers sent with each webhook call: refused here rather than failing every delivery later. */
export const headers = {
  type: 'object',
  maxProperties: 50,
  propertyNames: {
    pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$",
    'x-rule': 'must be HTTP header names',
  },
  additionalProperties: {
    type: 'string',
    maxLength: 4096,
    pattern: '^[^\\r\\n\\u0000]*$',
    'x-rule': 'must be a header value without line breaks',
  },
} as const;

export const PORT_PATTERN = '^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$';

export const port = {
  type: ['string', 'integer'],
  pattern: PORT_PATTERN,
  minimum: 1,
  maximum: 65535,
  'x-rule': 'must be a port number (1-65535)',
} as const;

// Host names (letters, digits, "-", "_" between dots; IPv4 is one of them) or
// an IPv6 address in brackets: what the proxy agents take inside a URL.
const HOST_LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
export const HOST_PATTERN = `^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*\\.?|\\[[0-9A-Fa-f:.]{2,45}\\])$`;

export const proxyHost = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: HOST_PATTERN,
  'x-rule': 'must be a host name or an IP address (IPv6 in brackets)',
} as const;

export const proxyProtocol = {
  type: 'string',
  enum: PROXY_PROTOCOL_NAMES,
} as const;

export const settingsProperties = {
  rejectCall: { type: 'boolean' },
  msgCall: { type: 'string' },
  groupsIgnore: { type: 'boolean' },
  alwaysOnline: { type: 'boolean' },
  readMessages: { type: 'boolean' },
  readStatus: { type: 'boolean' },
  syncFullHistory: { type: 'boolean' },
} as const;

/** msgCall is sent when a call is rejected, so it only makes sense with rejectCall. */
export const msgCallNeedsRejectCall = {
  if: { required: ['msgCall'], properties: { msgCall: { type: 'string', minLength: 1 } } },
  then: {
    required: ['rejectCall'],
    'x-when': 'when msgCall is given',
    properties: { rejectCall: { const: true, 'x-rule': 'must be true', 'x-when': 'when msgCall is given' } },
  },
} as const;

/** An event destination that is on or off with its own event filter (RabbitMQ, SQS, NATS). */
export const toggleWithEvents = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    events,
  },
} as const;

export const webhookObject = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    url: httpUrl,
    headers,
    byEvents: { type: 'boolean' },
    base64: { type: 'boolean' },
    events,
    secret: { type: 'string', maxLength: 255 },
  },
} as const;

export const chatwootProperties = {
  enabled: { type: 'boolean' },
  accountId: { type: ['string', 'integer'], minLength: 1, maxLength: 64, minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
  token: { type: 'string', minLength: 1, maxLength: 255 },
  url: httpUrl,
  signMsg: { type: 'boolean' },
  signDelimiter: { type: ['string', 'null'], maxLength: 32 },
  nameInbox: { type: 'string', maxLength: 255 },
  number: { type: 'string', maxLength: 32 },
  reopenConversation: { type: 'boolean' },
  conversationPending: { type: 'boolean' },
  mergeBrazilContacts: { type: 'boolean' },
  importContacts: { type: 'boolean' },
  importMessages: { type: 'boolean' },
  daysLimitImportMessages: { type: 'integer', minimum: 0, maximum: INTEGER_COLUMN_MAX },
  organization: { type: 'string', maxLength: 255 },
  logo: { type: 'string' },
  ignoreJids: { type: 'array', items: { type: 'string' } },
} as const;

/** Who a message or chat state goes to: digits, or a WhatsApp jid. */
export const recipientNumber = {
  type: 'string',
  minLength: 1,
  // A jid is stored with the message (remote_jid, 128 characters).
  maxLength: 128,
  pattern: '^(\\+?[0-9 ()-]{5,30}|[^@\\s]+@(s\\.whatsapp\\.net|g\\.us|lid|broadcast|newsletter|c\\.us))$',
  'x-rule': 'must be a phone number (digits) or a WhatsApp jid (…@s.whatsapp.net, …@g.us)',
} as const;
