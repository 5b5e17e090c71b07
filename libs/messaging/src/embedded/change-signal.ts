/**
 * Wakes waiters of this process on a named channel (a bus file, or a consumer group in it) as soon
 * as something they wait for commits, so consumers in the same process need not wait for a poll.
 */
const waiting = new Map<string, Set<() => void>>();

export function signal(channel: string): void {
  const wakers = waiting.get(channel);
  if (!wakers) return;
  waiting.delete(channel);
  for (const wake of wakers) wake();
}

/** Signals every channel whose name starts with `prefix` and has a waiter. */
export function signalAll(prefix: string): void {
  for (const channel of [...waiting.keys()]) if (channel.startsWith(prefix)) signal(channel);
}

/** Resolves on the next signal on `channel`, after `timeoutMs`, or when `abort` fires, whichever comes first. */
export function nextSignal(channel: string, timeoutMs: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (abort.aborted) return resolve();
    let wakers = waiting.get(channel);
    if (!wakers) waiting.set(channel, (wakers = new Set()));
    const timer = setTimeout(wake, timeoutMs);
    abort.addEventListener('abort', wake, { once: true });
    wakers.add(wake);
    function wake() {
      clearTimeout(timer);
      abort.removeEventListener('abort', wake);
      const current = waiting.get(channel);
      current?.delete(wake);
      if (current?.size === 0) waiting.delete(channel);
      resolve();
    }
  });
}
