export interface RetryPolicyOptions {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export type RetryDecision = { dead: true } | { dead: false; delayMs: number };

/**
 * When a failed delivery is tried again: exponential backoff with full
 * jitter, and a budget of attempts after which the row is dead-lettered.
 */
export function nextAttempt(
  attempts: number,
  retryable: boolean,
  options: RetryPolicyOptions,
  random: () => number = Math.random,
): RetryDecision {
  if (!retryable || attempts >= options.maxAttempts) return { dead: true };
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempts - 1, 30));
  // At least a tenth of the ceiling, so that a burst of failures does not spin.
  return { dead: false, delayMs: Math.round(ceiling * (0.1 + 0.9 * random())) };
}
