/**
 * Wakes readers of a store in this process, in any thread, as soon as an append to it commits: the projections
 * thread then reads at once instead of at its next poll. A store is named by its store or its server's address.
 * Appends made by other processes are not signalled: readers poll for those.
 */
const waiting = new Map<string, Set<() => void>>();
const channels = new Map<string, InstanceType<typeof BroadcastChannel>>();

/** The store's channel in this thread: it posts this thread's appends and hears the other threads' (never its own). */
function channelOf(store: string): InstanceType<typeof BroadcastChannel> {
  let channel = channels.get(store);
  if (!channel) {
    channel = new BroadcastChannel(`batchyard:appended:${store}`);
    channel.onmessage = () => wakeHere(store);
    // Listening must not keep a process alive that has nothing else to do.
    channel.unref();
    channels.set(store, channel);
  }
  return channel;
}

function wakeHere(store: string): void {
  const wakers = waiting.get(store);
  if (!wakers) return;
  waiting.delete(store);
  for (const wake of wakers) wake();
}

export function signalAppended(store: string): void {
  wakeHere(store);
  channelOf(store).postMessage(null);
}

/** Resolves on the next signal for `store`, after `timeoutMs`, or when `signal` aborts, whichever comes first. */
export function nextAppend(store: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  channelOf(store);
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let wakers = waiting.get(store);
    if (!wakers) waiting.set(store, (wakers = new Set()));
    const timer = setTimeout(wake, timeoutMs);
    signal.addEventListener('abort', wake, { once: true });
    wakers.add(wake);
    function wake() {
      clearTimeout(timer);
      signal.removeEventListener('abort', wake);
      const current = waiting.get(store);
      current?.delete(wake);
      if (current?.size === 0) waiting.delete(store);
      resolve();
    }
  });
}
