import type { Knex } from 'knex';
import type { ProxyConfig, ProxyProtocol } from '../instance-config/proxy.js';
import { InstanceConfigTable } from './instance-config-table.js';
import { bool, str, type Row } from './rows.js';

export function proxyRepository(db: Knex): InstanceConfigTable<ProxyConfig> {
  return new InstanceConfigTable<ProxyConfig>(
    db,
    'instance_proxies',
    (p) => ({
      enabled: p.enabled,
      host: p.host,
      port: p.port,
      protocol: p.protocol,
      username: p.username,
      password: p.password,
    }),
    (r: Row) => ({
      enabled: bool(r.enabled),
      host: str(r.host),
      port: str(r.port),
      protocol: str(r.protocol) as ProxyProtocol,
      username: str(r.username),
      password: str(r.password),
    }),
  );
}
