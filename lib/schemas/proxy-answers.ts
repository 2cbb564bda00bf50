import type { FromSchema } from 'json-schema-to-ts';
import type { Instance } from '../db/instances.js';
import type { withRow } from '../http/presenters.js';
import { PROXY_PROTOCOLS, proxyView, type ProxyConfig } from '../instance-config/proxy.js';
import type { Plain, Satisfies } from './answer-check.js';
import { orNull, storedRow, withInstance } from './answer-parts.js';

// The answers of /proxy in Evolution's shapes, for the API description; the
// checks at the end keep the proxy view and these schemas in step.

export const proxyAnswer = {
  type: 'object',
  required: ['enabled', 'host', 'port', 'protocol', 'username', 'password'],
  properties: {
    enabled: { type: 'boolean' },
    host: { type: 'string', description: 'Empty when no proxy is set.' },
    port: { type: 'string', description: 'Empty when no proxy is set.' },
    protocol: { enum: PROXY_PROTOCOLS, description: 'socks5 where Evolution says socks.' },
    username: { type: 'string' },
    password: { type: 'string', description: 'Shown as ******** to an instance token in fetchInstances.' },
  },
} as const;

export const proxySetAnswer = withInstance('proxy', proxyAnswer);

export const proxyRowAnswer = storedRow(proxyAnswer);

/** find: null until a proxy is stored. */
export const proxyFindAnswer = orNull(proxyRowAnswer);

/** Evolution's answer to a set: the instance and its proxy. */
export const proxySetView = (instance: Pick<Instance, 'id' | 'name'>, proxy: ProxyConfig) => ({
  proxy: { instanceName: instance.name, instanceId: instance.id, proxy: proxyView(proxy, true) },
});

type ProxyView = ReturnType<typeof proxyView>;
export type ProxySetAnswer = Satisfies<Plain<ReturnType<typeof proxySetView>>, FromSchema<typeof proxySetAnswer>>;
export type ProxyFindAnswer = Satisfies<Plain<ReturnType<typeof withRow<ProxyView>>> | null, FromSchema<typeof proxyFindAnswer>>;
