/**
 * Handles one partition's fetched messages, those of different keys concurrently (at most `keysAtOnce` keys at a
 * time) and each key's in their order. `handle` answers whether the message was handled; a failure stops its key
 * and starts no further key. Answers how many messages from the start were all handled: the caller commits up to
 * there, and a message handled beyond the first failure is delivered again (the port delivers at least once).
 * With one key at a time this is the plain loop in partition order.
 */
export async function handleByKey<M extends { key: string }>(
  messages: readonly M[],
  keysAtOnce: number,
  handle: (message: M) => Promise<boolean>,
  stopped: () => boolean,
): Promise<number> {
  if (keysAtOnce <= 1) {
    let handled = 0;
    while (handled < messages.length && !stopped() && (await handle(messages[handled]))) handled++;
    return handled;
  }
  const byKey = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const indexes = byKey.get(message.key);
    if (indexes) indexes.push(index);
    else byKey.set(message.key, [index]);
  });
  const keys = [...byKey.values()];
  const handled = new Array<boolean>(messages.length).fill(false);
  let failed = false;
  const work = async () => {
    for (let indexes = keys.shift(); indexes && !failed; indexes = keys.shift()) {
      for (const index of indexes) {
        if (failed || stopped()) return;
        if (!(await handle(messages[index]))) {
          failed = true;
          return;
        }
        handled[index] = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(keysAtOnce, keys.length) }, work));
  const first = handled.indexOf(false);
  return first < 0 ? messages.length : first;
}
