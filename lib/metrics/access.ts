import { BlockList, isIP } from 'node:net';
import type { Context, Next } from 'koa';
import { safeEqual } from '../http/auth.js';
import { forbidden, unauthorized } from '../http/errors.js';

/** Who may read /metrics: addresses (IPs and CIDRs) and/or basic-auth credentials. */
export interface MetricsAccess {
  /** `user:password`; null: no credentials asked. */
  basicAuth: string | null;
  /** IPs and CIDRs; empty: any address. */
  allow: string[];
}

/** Why an entry of METRICS_ALLOW is not an IP or a CIDR; null when it is one. */
export function allowEntryProblem(entry: string): string | null {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return `"${entry}" is not an IP address or a CIDR`;
  if (prefix === undefined) return null;
  const bits = Number(prefix);
  const max = family === 4 ? 32 : 128;
  if (!/^\d+$/.test(prefix) || bits > max) return `"${entry}" has a prefix length outside 0-${max}`;
  return null;
}

function blockListOf(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** The peer of the TCP connection: X-Forwarded-For is the client's to write, so it is not trusted here. */
function peerAddress(ctx: Context): { address: string; type: 'ipv4' | 'ipv6' } | null {
  const raw = ctx.req.socket.remoteAddress;
  if (!raw) return null;
  // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  if (mapped) return { address: mapped[1], type: 'ipv4' };
  return { address: raw, type: isIP(raw) === 4 ? 'ipv4' : 'ipv6' };
}

function basicCredentials(ctx: Context): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(ctx.get('authorization'));
  return match ? Buffer.from(match[1], 'base64').toString('utf8') : null;
}

/** 403 for an address outside the allow list, then 401 without the right credentials. */
export function metricsAccess(access: MetricsAccess) {
  const allowed = access.allow.length > 0 ? blockListOf(access.allow) : null;
  return async function guardMetrics(ctx: Context, next: Next): Promise<void> {
    if (allowed) {
      const peer = peerAddress(ctx);
      if (!peer || !allowed.check(peer.address, peer.type)) throw forbidden('This address may not read the metrics');
    }
    if (access.basicAuth !== null) {
      const given = basicCredentials(ctx);
      // Compared in constant time, whatever is given.
      if (!safeEqual(given ?? '', access.basicAuth) || given === null) {
        ctx.set('WWW-Authenticate', 'Basic realm="metrics", charset="UTF-8"');
        throw unauthorized();
      }
    }
    await next();
  };
}
