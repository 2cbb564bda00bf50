import type { FaultKind } from '../lib/supervisor/protocol.js';

/**
 * Makes this worker fail the way real ones do, for fault-injection tests: a
 * bug (uncaught error), a leak (heap exhausted), or a stuck loop that only
 * terminate() ends.
 */
export function injectFault(kind: FaultKind, reason: string): void {
  setImmediate(() => {
    switch (kind) {
      case 'throw':
        throw new Error(reason);
      case 'heap': {
        const hoard: number[][] = [];
        for (;;) hoard.push(Array.from({ length: 1 << 16 }, (_, i) => i + hoard.length));
      }
      case 'hang':
        for (;;);
    }
  });
}
