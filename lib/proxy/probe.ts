import http from 'node:http';
import https from 'node:https';
import type { ProxyConfig } from '../instance-config/proxy.js';
import { proxyAgent } from './agent.js';

export type ProbeResult = { ok: true; status: number; body: string } | { ok: false; reason: string };

/**
 * Fetches `target` through the proxy: the proxy works when the target answers
 * 2xx or 3xx through it within the timeout.
 */
export function probeProxy(proxy: ProxyConfig, target: string, timeoutMs: number): Promise<ProbeResult> {
  const url = new URL(target);
  const tls = url.protocol === 'https:';
  let agent: ReturnType<typeof proxyAgent>;
  try {
    agent = proxyAgent(proxy, tls);
  } catch (error) {
    // The agent parses the proxy as a URL: a host it cannot parse is a proxy that does not work.
    return Promise.resolve({ ok: false, reason: (error as Error).message });
  }
  const get = tls ? https.get : http.get;
  return new Promise<ProbeResult>((resolve) => {
    const request = get(url, { agent, timeout: timeoutMs }, (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= 4096) chunks.push(chunk);
      });
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').trim();
        resolve(status >= 200 && status < 400 ? { ok: true, status, body } : { ok: false, reason: `HTTP ${status}` });
      });
      response.on('error', (error) => resolve({ ok: false, reason: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ ok: false, reason: error.message }));
  }).finally(() => agent.destroy());
}
