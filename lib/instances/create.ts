import { randomUUID } from 'node:crypto';
import { clientForCreate, markOpen, verifyAccount } from '../cloud/account.js';
import type { Instance } from '../db/instances.js';
import type { ProxyConfig } from '../instance-config/proxy.js';
import { repositories } from '../db/repositories.js';
import { conflict, DomainError, invalid } from '../errors.js';
import { brokerName } from '../events/broker-name.js';
import { describeProxy } from '../proxy/agent.js';
import { probeProxy } from '../proxy/probe.js';
import { connect, type ConnectionDeps, type QrView } from './connection.js';
import type { InstanceDeps } from './deps.js';
import { bootstrapInbox } from '../chatwoot/bootstrap.js';
import type { InstanceSpec } from './spec.js';

export const nameTaken = (name: string) => conflict(`This name "${name}" is already in use.`);
export const brokerNameTaken = (name: string, other: string) =>
  conflict(`This name "${name}" maps to the same broker destination as the existing instance "${other}".`);

/** Fetches the configured probe URL through the proxy; an unusable proxy is a 400. */
export async function assertProxyWorks(deps: InstanceDeps, proxy: ProxyConfig): Promise<void> {
  const { testUrl, testTimeoutMs } = deps.config.proxy;
  const result = await probeProxy(proxy, testUrl, testTimeoutMs);
  if (result.ok) return;
  deps.logger.info({ proxy: describeProxy(proxy), reason: result.reason }, 'proxy test failed');
  throw invalid(`Invalid proxy: ${describeProxy(proxy)} could not reach ${testUrl} (${result.reason})`);
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === 'SQLITE_CONSTRAINT' || e.code === '23505' || /UNIQUE constraint/i.test(e.message ?? '');
}

async function raceLoser(deps: InstanceDeps, name: string): Promise<Error> {
  const sameBroker = await deps.repos.instances.findByBrokerName(brokerName(name));
  if (sameBroker && sameBroker.name !== name) return brokerNameTaken(name, sameBroker.name);
  return nameTaken(name);
}

/**
 * Checks what the schema cannot (name and token free, proxy reachable), then
 * stores the instance with all its configuration in one transaction: either
 * everything is saved or nothing is.
 */
export function createInstance(deps: InstanceDeps, spec: InstanceSpec): Promise<Instance> {
  // After any command still running on an instance of this name (a delete, say).
  return deps.lifecycle.run(spec.name, () => createNow(deps, spec));
}

async function createNow(deps: InstanceDeps, spec: InstanceSpec): Promise<Instance> {
  if (await deps.repos.instances.findByName(spec.name)) throw nameTaken(spec.name);
  const sameBroker = await deps.repos.instances.findByBrokerName(brokerName(spec.name));
  if (sameBroker) throw brokerNameTaken(spec.name, sameBroker.name);
  if (await deps.repos.instances.findByToken(spec.token)) throw conflict('This token is already in use.');
  if (spec.proxy) await assertProxyWorks(deps, spec.proxy);
  // A Business instance exists only for a token and number Meta accepts.
  const phone = spec.integration === 'WHATSAPP-BUSINESS' ? await verifyAccount(clientForCreate(deps.config.waBusiness, spec.token, spec.proxy), spec.number ?? '') : null;

  const id = randomUUID();
  try {
    await deps.db.transaction(async (trx) => {
      const repos = repositories(trx);
      await repos.instances.insert({
        id,
        name: spec.name,
        token: spec.token,
        integration: spec.integration,
        number: spec.number,
        businessId: spec.businessId,
      });
      await repos.settings.save(id, spec.settings);
      if (spec.proxy) await repos.proxies.save(id, spec.proxy);
      if (spec.webhook) await repos.webhooks.save(id, spec.webhook);
      for (const [kind, value] of Object.entries(spec.integrations)) {
        await repos.eventIntegrations.save(id, kind as keyof InstanceSpec['integrations'], value);
      }
      if (spec.chatwoot) await repos.chatwoot.save(id, spec.chatwoot);
    });
  } catch (error) {
    // Two creates raced past the checks above: tell which rule the winner took.
    if (isUniqueViolation(error)) throw await raceLoser(deps, spec.name);
    throw error;
  }
  const instance = await deps.repos.instances.findById(id);
  if (!instance) throw new Error(`instance "${spec.name}" was not stored`);
  deps.logger.info({ instance: spec.name, integration: spec.integration }, 'instance created');
  if (spec.chatwoot) void bootstrapInbox(deps, instance, spec.chatwoot);
  await deps.events.publish(instance, 'INSTANCE_CREATE', { instanceName: instance.name, instanceId: instance.id });
  if (phone) await markOpen(deps, instance, phone);
  return instance;
}

/** The QR of a create with `qrcode: true`; without one, `message` says why. */
export type FirstQrView = QrView & { message?: string };

const NO_QR = { pairingCode: null, code: null, base64: null, count: 0 };


/**
 * Connects a new instance and returns its first QR. The instance exists
 * whatever happens here, so a failure does not fail the create: it comes back
 * as empty QR fields with the reason, and the caller can try /instance/connect.
 */
export async function firstQr(deps: ConnectionDeps, instance: Instance, number?: string): Promise<FirstQrView> {
  try {
    return (await connect(deps, instance, number)).qr ?? NO_QR;
  } catch (error) {
    // Only the gateway's own errors are described; anything else is a fault, not explained.
    const explained = error instanceof DomainError && error.kind !== 'internal';
    deps.logger.warn({ instance: instance.name, err: error }, 'connect after create failed');
    const message = explained ? (error as Error).message : 'The connection could not be started (internal error)';
    return { ...NO_QR, message };
  }
}
