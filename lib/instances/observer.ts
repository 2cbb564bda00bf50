import type { ConnectionPatch } from '../db/instances.js';
import type { EventName } from '../events/names.js';
import type { InstanceRef, SupervisorObserver } from '../supervisor/supervisor.js';
import type { InstanceDeps } from './deps.js';

/**
 * Records what workers report: connection changes go to the instance row, so
 * connectionState and fetchInstances answer from the database; events go to
 * the dispatcher.
 */
export function instanceObserver(deps: Pick<InstanceDeps, 'repos' | 'logger' | 'events'>): SupervisorObserver {
  const failed = (instance: InstanceRef) => (error: unknown) => {
    deps.logger.error({ instance: instance.name, err: error }, 'could not record the connection state');
  };
  const record = (instance: InstanceRef, patch: ConnectionPatch) => {
    deps.repos.instances.updateConnection(instance.id, patch).catch(failed(instance));
  };
  return {
    connection(instance: InstanceRef, patch: ConnectionPatch, final: boolean) {
      record(instance, patch);
      // Logged out, replaced or out of QR codes: do not reconnect it at the next boot.
      if (final) deps.repos.instances.setAutoConnect(instance.id, false).catch(failed(instance));
    },
    event(instance: InstanceRef, event: EventName, data: unknown) {
      deps.events.publish(instance.name, event, data).catch((error: unknown) => {
        deps.logger.error({ instance: instance.name, event, err: error }, 'could not publish an event');
      });
    },
    crashed(instance: InstanceRef) {
      record(instance, { connectionStatus: 'close' });
    },
  };
}
