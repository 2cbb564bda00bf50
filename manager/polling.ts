import { useEffect, useRef } from 'preact/hooks';

/**
 * Calls `work` every `everyMs` while the component is shown and `active`;
 * a call still running is not overlapped by the next one.
 */
export function usePolling(work: () => Promise<unknown>, everyMs: number, active = true): void {
  const latest = useRef(work);
  latest.current = work;
  useEffect(() => {
    if (!active) return;
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      latest.current().finally(() => {
        running = false;
      });
    }, everyMs);
    return () => clearInterval(timer);
  }, [everyMs, active]);
}
