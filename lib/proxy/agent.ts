import type { Agent } from 'node:http';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import type { ProxyConfig } from '../instance-config/proxy.js';

/** The proxy as a URL, credentials percent-encoded. Contains the password: never log it. */
export function proxyUrl(proxy: Pick<ProxyConfig, 'protocol' | 'host' | 'port' | 'username' | 'password'>): string {
  const auth = proxy.username
    ? `${encodeURIComponent(proxy.username)}:${encodeURIComponent(proxy.password)}@`
    : '';
  return `${proxy.protocol}://${auth}${proxy.host}:${proxy.port}`;
}

/** The proxy without its credentials, for logs and error messages. */
export function describeProxy(proxy: Pick<ProxyConfig, 'protocol' | 'host' | 'port'>): string {
  return `${proxy.protocol}://${proxy.host}:${proxy.port}`;
}

/**
 * An agent that tunnels through the proxy. `forTls` picks the agent for https:
 * and wss: targets; plain http: targets through an http proxy use
 * absolute-URI requests instead of a CONNECT tunnel.
 */
export function proxyAgent(proxy: ProxyConfig, forTls: boolean): Agent {
  const url = proxyUrl(proxy);
  if (proxy.protocol === 'socks4' || proxy.protocol === 'socks5') return new SocksProxyAgent(url);
  return forTls ? new HttpsProxyAgent(url) : new HttpProxyAgent(url);
}
