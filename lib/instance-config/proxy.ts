// The proxy an instance reaches WhatsApp through.
import type { CreateInstanceBody } from '../schemas/instance.js';
import type { SetProxyBody } from '../schemas/proxy.js';

export const PROXY_PROTOCOLS = ['http', 'https', 'socks4', 'socks5'] as const;
export type ProxyProtocol = (typeof PROXY_PROTOCOLS)[number];

/** What clients may send: Evolution calls SOCKS5 just "socks". */
export const PROXY_PROTOCOL_NAMES = [...PROXY_PROTOCOLS, 'socks'] as const;
export type ProxyProtocolName = (typeof PROXY_PROTOCOL_NAMES)[number];

export interface ProxyConfig {
  enabled: boolean;
  host: string;
  port: string;
  protocol: ProxyProtocol;
  username: string;
  password: string;
}

export const PROXY_DISABLED: Readonly<ProxyConfig> = Object.freeze({
  enabled: false,
  host: '',
  port: '',
  protocol: 'http',
  username: '',
  password: '',
});

export function proxyProtocol(name: ProxyProtocolName | undefined): ProxyProtocol {
  if (name === undefined) return 'http';
  return name === 'socks' ? 'socks5' : name;
}

interface ProxyFields {
  host?: string;
  port?: string | number;
  protocol?: ProxyProtocolName;
  username?: string;
  password?: string;
}

function enabledProxy(fields: ProxyFields & { host: string; port: string | number }): ProxyConfig {
  return {
    enabled: true,
    host: fields.host,
    port: String(fields.port),
    protocol: proxyProtocol(fields.protocol),
    username: fields.username ?? '',
    password: fields.password ?? '',
  };
}

/** Create takes the proxy as flat `proxy*` fields; host and port come together (the schema says so). */
export function proxyFromCreate(body: CreateInstanceBody): ProxyConfig | null {
  if (body.proxyHost === undefined || body.proxyPort === undefined) return null;
  return enabledProxy({
    host: body.proxyHost,
    port: body.proxyPort,
    protocol: body.proxyProtocol,
    username: body.proxyUsername,
    password: body.proxyPassword,
  });
}

/** A set replaces the proxy: disabled, or an empty host, means no proxy. */
export function proxyFromSet(body: SetProxyBody): ProxyConfig {
  if (!body.enabled || body.host === undefined || body.port === undefined) return { ...PROXY_DISABLED };
  return enabledProxy({ ...body, host: body.host, port: body.port });
}

/** The password is shown only to those who may read the instance's token too. */
export function proxyView(proxy: Readonly<ProxyConfig>, showSecrets: boolean) {
  return {
    enabled: proxy.enabled,
    host: proxy.host,
    port: proxy.port,
    protocol: proxy.protocol,
    username: proxy.username,
    password: showSecrets ? proxy.password : proxy.password ? '********' : '',
  };
}
