import type { ConnectionPatch } from '../db/instances.js';
import type { EventName } from '../events/names.js';
import type { InstanceRef, SupervisorObserver } from '../supervisor/supervisor.js';
import type { InstanceDeps } from './deps.js';

export interface InstanceObserver extends SupervisorObserver {
  /** Resolves once every state change reported so far is written. */
  drain(): Promise<void>;
}

/**
 * Records what workers report: connection changes go to the instance row, so
 * connectionState and fetchInstances answer from the database; events go to
 * the dispatcher.
 */
export function instanceObserver(deps: Pick<InstanceDeps, 'repos' | 'logger' | 'events'>): InstanceObserver {
  // Writes still running: at shutdown the database closes only after them,
  // or the last state of every instance (close) would be lost.
  const pending = new Set<Promise<unknown>>();
  const track = (instance: InstanceRef, write: Promise<unknown>) => {
    const tracked = write.catch((error: unknown) => {
      deps.logger.error({ instance: instance.name, err: error }, 'could not record the connection state');
    });
    pending.add(tracked);
    void tracked.finally(() => pending.delete(tracked));
  };
  const record = (instance: InstanceRef, patch: ConnectionPatch) => {
    track(instance, deps.repos.instances.updateConnection(instance.id, patch));
  };
  return {
    connection(instance: InstanceRef, patch: ConnectionPatch, final: boolean) {
      record(instance, patch);
      // Logged out, replaced or out of QR codes: do not reconnect it at the next boot.
      if (final) track(instance, deps.repos.instances.setAutoConnect(instance.id, false));
    },
    event(instance: InstanceRef, event: EventName, data: unknown) {
      deps.events.publish(instance.name, event, data).catch((error: unknown) => {
        deps.logger.error({ instance: instance.name, event, err: error }, 'could not publish an event');
      });
    },
    crashed(instance: InstanceRef) {
      record(instance, { connectionStatus: 'close' });
    },
    async drain() {
      while (pending.size > 0) await Promise.all(pending);
    },
  };
}
