import { recheck } from '../cloud/account.js';
import type { Instance } from '../db/instances.js';
import { invalid, notConnected, notFound } from '../errors.js';
import { InstanceNotRunningError } from '../supervisor/supervisor.js';
import type { Presence } from '../messages/presence.js';
import type { InstanceDeps } from './deps.js';

/** The QR as clients receive it: raw string, PNG data URL, refresh count, pairing code. */
export interface QrView {
  pairingCode: string | null;
  code: string | null;
  base64: string | null;
  count: number;
}

export interface ConnectView {
  state: Instance['connectionStatus'];
  qr: QrView | null;
}

export interface ConnectionDeps extends InstanceDeps {
  renderQr(text: string): Promise<string>;
}

function assertBaileys(instance: Instance): void {
  if (instance.integration !== 'WHATSAPP-BAILEYS') {
    throw invalid(`The "${instance.name}" instance uses ${instance.integration}, which has no WhatsApp Web connection`);
  }
}

/**
 * Runs a lifecycle command on the instance as it is now: after the commands
 * queued before it on the same instance, and only if it still exists (a
 * delete that ran first makes this a 404).
 */
export function onInstance<T>(deps: InstanceDeps, instance: Instance, work: (current: Instance) => Promise<T>): Promise<T> {
  return deps.lifecycle.run(instance.name, async () => {
    const current = await deps.repos.instances.findById(instance.id);
    if (!current) throw notFound(`The "${instance.name}" instance does not exist`);
    return work(current);
  });
}

/**
 * Starts the instance's worker if needed and asks for the current QR (or the
 * state, when already open). Marks the instance to be reconnected at boot.
 */
export function connect(deps: ConnectionDeps, instance: Instance, number?: string): Promise<ConnectView> {
  return onInstance(deps, instance, (current) => connectNow(deps, current, number));
}

async function connectNow(deps: ConnectionDeps, instance: Instance, number?: string): Promise<ConnectView> {
  assertBaileys(instance);
  await deps.repos.instances.setAutoConnect(instance.id, true);
  await deps.supervisor.start(instance);
  const result = await deps.supervisor.command(instance, { kind: 'connect', number });
  if (!result.qr && !result.pairingCode) return { state: result.state, qr: null };
  const base64 = result.qr ? await deps.renderQr(result.qr.code) : null;
  return {
    state: result.state,
    qr: {
      pairingCode: result.pairingCode,
      code: result.qr?.code ?? null,
      base64,
      count: result.qr?.count ?? 0,
    },
  };
}

/** Reconnects keeping the session: the worker is stopped and started again. */
export function restart(deps: InstanceDeps, instance: Instance): Promise<void> {
  return onInstance(deps, instance, async (current) => {
    if (current.integration === 'WHATSAPP-BUSINESS') return recheck(deps, await deps.cloudClients.clientFor(current), current);
    assertBaileys(current);
    await deps.repos.instances.setAutoConnect(current.id, true);
    await deps.supervisor.restart(current);
  });
}

/** Logs the WhatsApp session out and stops the worker; the instance stays. */
export function logout(deps: InstanceDeps, instance: Instance): Promise<void> {
  return onInstance(deps, instance, async (current) => {
    try {
      await deps.supervisor.command(current, { kind: 'logout' });
    } catch (error) {
      if (error instanceof InstanceNotRunningError) throw notConnected(current.name);
      throw error;
    }
    await deps.supervisor.stop(current);
    await deps.repos.instances.setAutoConnect(current.id, false);
    // After the worker's last state reports, which the store commits in order.
    await deps.store.recordState(current.id, { connectionStatus: 'close' });
  });
}

/** Logs out when connected, stops the worker, and removes the instance with all its data. */
export function remove(deps: InstanceDeps, instance: Instance): Promise<void> {
  return onInstance(deps, instance, (current) => removeNow(deps, current));
}

async function removeNow(deps: InstanceDeps, instance: Instance): Promise<void> {
  const state = await deps.supervisor.state(instance);
  if (state === 'running') {
    try {
      await deps.supervisor.command(instance, { kind: 'logout' });
    } catch (error) {
      // The instance goes anyway; a session WhatsApp still lists can be unlinked from the phone.
      deps.logger.warn({ instance: instance.name, err: error }, 'logout before delete failed');
    }
  }
  await deps.supervisor.stop(instance);
  // What the worker wrote before it ended is committed before its rows go.
  await deps.store.drain();
  // Published while the instance's own destinations are still configured.
  const data = { instanceName: instance.name, instanceId: instance.id };
  await deps.events.publish(instance, 'REMOVE_INSTANCE', data);
  await deps.events.publish(instance, 'INSTANCE_DELETE', data);
  await deps.repos.instances.delete(instance.id);
  deps.events.forget(instance);
  deps.cloudClients.forget(instance.id);
  deps.logger.info({ instance: instance.name }, 'instance deleted');
}

export async function setPresence(deps: InstanceDeps, instance: Instance, presence: Presence, number?: string): Promise<void> {
  try {
    await deps.supervisor.command(instance, { kind: 'set-presence', presence, number });
  } catch (error) {
    if (error instanceof InstanceNotRunningError) throw notConnected(instance.name);
    throw error;
  }
}

/** Tells a running worker that its settings or proxy changed; a stopped one reads them at start. */
export async function notifyWorker(
  deps: InstanceDeps,
  instance: Instance,
  kind: 'reload-settings' | 'reload-proxy',
): Promise<void> {
  try {
    await deps.supervisor.command(instance, { kind });
  } catch (error) {
    if (error instanceof InstanceNotRunningError) return;
    throw error;
  }
}
