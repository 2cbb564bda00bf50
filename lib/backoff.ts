// The one rule for how long to wait before trying again, used by every retry
// loop: deliveries, store writes, worker restarts, reconnects.

export interface Backoff {
  baseMs: number;
  maxMs: number;
  /**
   * Share of each delay drawn at random: 0 waits exactly the ceiling, 0.5 is
   * "equal jitter" (half to all of it). Jitter keeps many failing together
   * from all trying again together.
   */
  jitter: number;
}

/** Delay before the n-th retry (1-based): doubling from baseMs up to maxMs, then jittered. */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const doublings = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** doublings);
  return Math.round(ceiling * (1 - backoff.jitter + backoff.jitter * random()));
}
