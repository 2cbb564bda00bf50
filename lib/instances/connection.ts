import type { Instance } from '../db/instances.js';
import { invalid, notConnected } from '../errors.js';
import { InstanceNotRunningError } from '../supervisor/supervisor.js';
import type { Presence } from '../supervisor/protocol.js';
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
 * Starts the instance's worker if needed and asks for the current QR (or the
 * state, when already open). Marks the instance to be reconnected at boot.
 */
export async function connect(deps: ConnectionDeps, instance: Instance, number?: string): Promise<ConnectView> {
  assertBaileys(instance);
  await deps.repos.instances.setAutoConnect(instance.id, true);
  await deps.supervisor.start(instance);
  const result = await deps.supervisor.command(instance.name, { kind: 'connect', number });
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
export async function restart(deps: InstanceDeps, instance: Instance): Promise<void> {
  assertBaileys(instance);
  await deps.repos.instances.setAutoConnect(instance.id, true);
  await deps.supervisor.restart(instance);
}

/** Logs the WhatsApp session out and stops the worker; the instance stays. */
export async function logout(deps: InstanceDeps, instance: Instance): Promise<void> {
  try {
    await deps.supervisor.command(instance.name, { kind: 'logout' });
  } catch (error) {
    if (error instanceof InstanceNotRunningError) throw notConnected(instance.name);
    throw error;
  }
  await deps.supervisor.stop(instance.name);
  await deps.repos.instances.setAutoConnect(instance.id, false);
  await deps.repos.instances.updateConnection(instance.id, { connectionStatus: 'close' });
}

/** Logs out when connected, stops the worker, and removes the instance with all its data. */
export async function remove(deps: InstanceDeps, instance: Instance): Promise<void> {
  const state = await deps.supervisor.state(instance.name);
  if (state === 'running') {
    try {
      await deps.supervisor.command(instance.name, { kind: 'logout' });
    } catch (error) {
      // The instance goes anyway; a session WhatsApp still lists can be unlinked from the phone.
      deps.logger.warn({ instance: instance.name, err: error }, 'logout before delete failed');
    }
  }
  await deps.supervisor.stop(instance.name);
  // Published while the instance's own destinations are still configured.
  const data = { instanceName: instance.name, instanceId: instance.id };
  await deps.events.publish(instance.name, 'REMOVE_INSTANCE', data);
  await deps.events.publish(instance.name, 'INSTANCE_DELETE', data);
  await deps.repos.instances.delete(instance.id);
  deps.logger.info({ instance: instance.name }, 'instance deleted');
}

export async function setPresence(deps: InstanceDeps, instance: Instance, presence: Presence, number?: string): Promise<void> {
  try {
    await deps.supervisor.command(instance.name, { kind: 'set-presence', presence, number });
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
    await deps.supervisor.command(instance.name, { kind });
  } catch (error) {
    if (error instanceof InstanceNotRunningError) return;
    throw error;
  }
}
