// The Graph API client of each WHATSAPP-BUSINESS instance: its access token
// (the instance token, as Evolution keeps it) through its own proxy.
import type { WaBusinessConfig } from '../config.js';
import type { Instance } from '../db/instances.js';
import type { Repositories } from '../db/repositories.js';
import { proxyAgent } from '../proxy/agent.js';
import { GraphClient } from './graph-client.js';

export class CloudClients {
  private readonly clients = new Map<string, GraphClient>();

  constructor(
    private readonly config: WaBusinessConfig,
    private readonly repos: Pick<Repositories, 'proxies'>,
  ) {}

  /** The instance's client, built once and kept until its proxy changes. */
  async clientFor(instance: Instance): Promise<GraphClient> {
    const known = this.clients.get(instance.id);
    if (known) return known;
    const proxy = (await this.repos.proxies.find(instance.id))?.value;
    const tls = this.config.url.startsWith('https:');
    const client = new GraphClient(this.config, instance.token, proxy?.enabled ? proxyAgent(proxy, tls) : undefined);
    this.clients.set(instance.id, client);
    return client;
  }

  /** The instance's proxy or token changed, or it is gone: the next call builds a new client. */
  forget(instanceId: string): void {
    this.clients.delete(instanceId);
  }
}
