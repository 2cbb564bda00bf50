import type { FromSchema } from 'json-schema-to-ts';
import { port, proxyHost, proxyProtocol } from './common.js';

export const setProxyBody = {
  type: 'object',
  required: ['enabled'],
  // An empty host or port means no proxy (lib/http/blanks.ts).
  'x-blank-disables': ['host', 'port'],
  properties: {
    enabled: { type: 'boolean' },
    host: proxyHost,
    port,
    protocol: proxyProtocol,
    username: { type: 'string', maxLength: 255 },
    password: { type: 'string', maxLength: 255 },
  },
  if: { properties: { enabled: { const: true } } },
  then: { required: ['host', 'port'], 'x-when': 'when enabled is true' },
} as const;

export type SetProxyBody = FromSchema<typeof setProxyBody>;
