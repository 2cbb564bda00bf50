import type { Reply } from '../actor/actor.js';

/** Every message the Business inbox accepts. */
export type InboxMessage =
  /** Callbacks of this instance were stored: drain them (again, if a drain is under way). */
  | { type: 'wake'; instanceId: string }
  /** At boot: drain what a crash or a stop left. */
  | { type: 'recover' }
  /** One instance's drain ended; `failed` when a row could not be handled and waits for a retry. */
  | { type: 'lane-done'; instanceId: string; failed: boolean }
  /** Resolves once no drain runs; no new one starts. */
  | { type: 'stop'; reply: Reply<void> };
