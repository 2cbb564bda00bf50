import type { ConnectionPatch } from '../db/instances.js';
import type { EventName } from '../events/names.js';
import type { EventPayloads } from '../events/payloads.js';
import type { InstanceRef, SupervisorObserver } from '../supervisor/supervisor.js';
import type { InstanceDeps } from './deps.js';

/**
 * Records what workers report: connection changes go to the instance row
 * through the store (in order, retried while the database is busy), so
 * connectionState and fetchInstances answer from the database; events go to
 * the dispatcher.
 */
export function instanceObserver(deps: Pick<InstanceDeps, 'store' | 'logger' | 'events'>): SupervisorObserver {
  const record = (instance: InstanceRef, patch: ConnectionPatch, autoConnect?: boolean) => {
    deps.store.recordState(instance.id, patch, autoConnect).then(
      // Envelopes name the owner as their sender: read it again once it is stored.
      () => patch.ownerJid !== undefined && deps.events.forget(instance),
      (error: unknown) => deps.logger.error({ instance: instance.name, err: error }, 'could not record the connection state'),
    );
  };
  const publish = <E extends EventName>(instance: InstanceRef, event: E, data: EventPayloads[E]) => {
    deps.events.publish(instance, event, data).catch((error: unknown) => {
      deps.logger.error({ instance: instance.name, event, err: error }, 'could not publish an event');
    });
  };
  return {
    connection(instance: InstanceRef, patch: ConnectionPatch, final: boolean) {
      // Logged out, replaced or out of QR codes: do not reconnect it at the next boot.
      record(instance, patch, final ? false : undefined);
    },
    event: publish,
    crashed(instance: InstanceRef) {
      record(instance, { connectionStatus: 'close' });
      // The worker that would have said so is gone.
      publish(instance, 'STATUS_INSTANCE', { instance: instance.name, status: 'close' });
    },
  };
}
