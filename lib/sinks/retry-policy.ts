import { backoffDelay } from '../backoff.js';

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
  // At least a tenth of the ceiling, so that a burst of failures does not spin.
  return { dead: false, delayMs: backoffDelay(attempts, { baseMs: options.baseMs, maxMs: options.maxMs, jitter: 0.9 }, random) };
}
