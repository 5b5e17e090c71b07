import { redrive, type DeadLetter, type MessageBus } from '@batchyard/messaging';
import type { ReadStoreDeadLetters } from '@batchyard/runtime';

export class UnknownDeadLetterError extends Error {
  constructor(ids: readonly string[]) {
    super(`no dead letter with id ${ids.join(', ')} (see dlq list)`);
    this.name = 'UnknownDeadLetterError';
  }
}

/**
 * Publishes dead letters to their original topics again, then forgets them. A crash between the two
 * publishes them once more on the next redrive: consumers deduplicate on the message id.
 */
export async function redriveDeadLetters(
  bus: MessageBus,
  deadLetters: ReadStoreDeadLetters,
  which: { ids: readonly string[] } | { groupId?: string; topic?: string },
): Promise<DeadLetter[]> {
  let entries: DeadLetter[];
  if ('ids' in which) {
    entries = await deadLetters.get(which.ids);
    const missing = which.ids.filter((id) => !entries.some((e) => e.id === id));
    if (missing.length) throw new UnknownDeadLetterError(missing);
  } else {
    entries = await deadLetters.list({ ...which, limit: 10_000 });
  }
  await redrive(bus, entries);
  await deadLetters.remove(entries.map((e) => e.id));
  return entries;
}
