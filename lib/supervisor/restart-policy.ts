import { backoffDelay } from '../backoff.js';

export interface RestartPolicyOptions {
  /** Crashes tolerated inside the window; one more and the instance stays down. */
  maxRestarts: number;
  windowMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export type RestartDecision = { restart: true; delayMs: number } | { restart: false };

/**
 * Restart intensity as in OTP supervisors: at most `maxRestarts` restarts in a
 * sliding window, each after an exponential backoff with jitter so that many
 * instances crashing together do not come back together.
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly options: RestartPolicyOptions,
    private readonly random: () => number = Math.random,
  ) {}

  onCrash(now: number): RestartDecision {
    this.crashes = this.crashes.filter((at) => now - at < this.options.windowMs);
    this.crashes.push(now);
    if (this.crashes.length > this.options.maxRestarts) return { restart: false };
    const backoff = { baseMs: this.options.backoffBaseMs, maxMs: this.options.backoffMaxMs, jitter: 0.5 };
    return { restart: true, delayMs: backoffDelay(this.crashes.length, backoff, this.random) };
  }

  /** An explicit restart through the API forgives earlier crashes. */
  reset(): void {
    this.crashes = [];
  }
}
