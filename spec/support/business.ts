// A Graph API peer and a gateway pointed at it, for the WHATSAPP-BUSINESS specs.
import type { Api } from './api.js';
import { GraphPeer } from './graph-peer/peer.js';
import type { PhoneNumber } from './graph-peer/state.js';
import { startInProcess, type InProcessGateway } from './in-process-gateway.js';
import { ProbeTarget } from './probe-target.js';
import { WebhookReceiver } from './webhook-receiver.js';

export interface BusinessWorld {
  peer: GraphPeer;
  receiver: WebhookReceiver;
  probe: ProbeTarget;
  gateway: InProcessGateway;
  api: Api;
  /** The gateway's environment, beside what startInProcess sets. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startBusinessWorld(env: Record<string, string> = {}): Promise<BusinessWorld> {
  const peer = await GraphPeer.start();
  const receiver = await WebhookReceiver.start();
  const probe = await ProbeTarget.start();
  const gatewayEnv = {
    WA_BUSINESS_URL: peer.url,
    WA_BUSINESS_VERSION: peer.version,
    WA_BUSINESS_RETRY_ATTEMPTS: '3',
    WA_BUSINESS_RETRY_BASE_MS: '5',
    PROXY_TEST_URL: probe.url,
    ...env,
  };
  const gateway = await startInProcess(gatewayEnv);
  return {
    peer,
    receiver,
    probe,
    gateway,
    api: gateway.api,
    env: gatewayEnv,
    stop: async () => {
      await gateway.stop();
      await receiver.stop();
      await probe.stop();
      await peer.stop();
    },
  };
}

/** Creates a Business instance for `phone` with `token`, its events going to the receiver. */
export function createBusiness(world: BusinessWorld, name: string, token: string, phone: Pick<PhoneNumber, 'id' | 'wabaId'>, extra: Record<string, unknown> = {}) {
  return world.api.post('/instance/create', {
    instanceName: name,
    integration: 'WHATSAPP-BUSINESS',
    token,
    number: phone.id,
    businessId: phone.wabaId,
    webhook: { enabled: true, url: `${world.receiver.url}/${name}` },
    ...extra,
  });
}
