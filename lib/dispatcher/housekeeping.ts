import { schedule, validate } from 'node-cron';
import type { OutboxRepository } from '../db/outbox.js';
import type { Logger } from '../logger.js';

export interface Housekeeping {
  stop(): Promise<void>;
  /** Runs the pruning now (also what the schedule runs). */
  pruneNow(): Promise<number>;
}

/** Deletes delivered outbox rows once they are older than the retention period. */
export function scheduleOutboxPruning(
  outbox: OutboxRepository,
  options: { cron: string; retentionHours: number },
  logger: Logger,
): Housekeeping {
  if (!validate(options.cron)) throw new Error(`OUTBOX_PRUNE_CRON is not a valid cron expression: ${options.cron}`);
  const pruneNow = async () => {
    const before = Date.now() - options.retentionHours * 3_600_000;
    const removed = await outbox.prune(before);
    if (removed > 0) logger.info({ removed, retentionHours: options.retentionHours }, 'delivered events pruned');
    return removed;
  };
  const task = schedule(options.cron, async () => {
    await pruneNow().catch((error: unknown) => logger.error({ err: error }, 'outbox pruning failed'));
  });
  return {
    pruneNow,
    stop: async () => {
      await task.stop();
      await task.destroy();
    },
  };
}
