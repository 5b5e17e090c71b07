/**
 * Wakes the subscriptions of this process on a store file as soon as an append to that file
 * commits. Appends made by other processes are not signalled: subscriptions poll for those.
 */
const waiting = new Map<string, Set<() => void>>();

export function signalAppended(file: string): void {
  const wakers = waiting.get(file);
  if (!wakers) return;
  waiting.delete(file);
  for (const wake of wakers) wake();
}

/** Resolves on the next signal for `file`, after `timeoutMs`, or when `signal` aborts, whichever comes first. */
export function nextAppend(file: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let wakers = waiting.get(file);
    if (!wakers) waiting.set(file, (wakers = new Set()));
    const timer = setTimeout(wake, timeoutMs);
    signal.addEventListener('abort', wake, { once: true });
    wakers.add(wake);
    function wake() {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      const current = waiting.get(file);
      current?.delete(wake);
      if (current?.size === 0) waiting.delete(file);
      resolve();
    }
  });
}
