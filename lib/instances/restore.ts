import type { Instance } from '../db/instances.js';
import { DomainError } from '../errors.js';
import { onInstance } from './connection.js';
import type { InstanceDeps } from './deps.js';

export interface RestoreOptions {
  /** Workers being started at the same time. */
  concurrency: number;
  /** Aborted when shutdown begins: no further worker is started. */
  signal: AbortSignal;
}

export interface RestoreSummary {
  /** Instances the user left connected. */
  total: number;
  restored: number;
  failed: number;
  /** Not started because shutdown began first. */
  skipped: number;
  ms: number;
}

/**
 * At boot: starts a worker for every instance the user left connected, a few
 * at a time. Each worker loads Baileys into its own V8 isolate, about a second
 * of CPU: started all at once, they would take every core from the HTTP front,
 * and every instance would come back only once all of them had loaded.
 */
export async function restoreInstances(deps: InstanceDeps, options: RestoreOptions): Promise<RestoreSummary> {
  const started = performance.now();
  const instances = (await deps.repos.instances.listAutoConnect()).filter(
    (instance) => instance.integration === 'WHATSAPP-BAILEYS',
  );
  const queue = instances.values();
  const summary: RestoreSummary = { total: instances.length, restored: 0, failed: 0, skipped: 0, ms: 0 };

  const lane = async () => {
    for (let next = queue.next(); !next.done; next = queue.next()) {
      if (options.signal.aborted) {
        summary.skipped += 1;
        continue;
      }
      const outcome = await startOne(deps, next.value, options.signal);
      summary[outcome] += 1;
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency, instances.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  summary.ms = Math.round(performance.now() - started);
  return summary;
}

async function startOne(
  deps: InstanceDeps,
  instance: Instance,
  signal: AbortSignal,
): Promise<'restored' | 'failed' | 'skipped'> {
  try {
    // A lifecycle command like the others: a delete or logout that came first wins.
    const started = await onInstance(deps, instance, async (current) => {
      if (!current.autoConnect) return false;
      await deps.supervisor.start(current);
      return true;
    });
    return started ? 'restored' : 'skipped';
  } catch (error) {
    // Shutdown stops a worker that was still starting: not a failure to report.
    if (signal.aborted) return 'skipped';
    if (error instanceof DomainError && error.kind === 'not-found') return 'skipped';
    // One instance failing to come back must not keep the others down.
    deps.logger.error({ instance: instance.name, err: error }, 'could not restore instance');
    return 'failed';
  }
}
