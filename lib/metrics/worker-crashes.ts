import type { SupervisorObserver } from '../supervisor/supervisor.js';
import type { GatewayMetrics } from './metrics.js';

/** The observer, also counting each crash and whether the restart policy brings the worker back. */
export function countingCrashes(observer: SupervisorObserver, metrics: GatewayMetrics | null): SupervisorObserver {
  if (!metrics) return observer;
  return {
    connection: (instance, patch, final) => observer.connection(instance, patch, final),
    event: (instance, event, data) => observer.event(instance, event, data),
    crashed(instance, detail) {
      metrics.workerCrashed(instance.name, detail.restartInMs !== null);
      observer.crashed(instance, detail);
    },
  };
}
