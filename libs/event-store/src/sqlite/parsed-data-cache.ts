/** Events whose data is at least this long are worth sharing; smaller ones parse about as fast as a lookup. */
const MIN_CHARS = 4 * 1024;
/** The most JSON text (of the events kept) the cache holds parsed, oldest out first. */
const MAX_CHARS = 32 * 1024 * 1024;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The parsed data of recently read large events, by position. In one process the relay, the projections and the
 * job or task runner each read every new event, and a bulk job's chunk event is a megabyte of JSON: the first reader
 * parses it, the others share the result. Shared data is frozen, so a reader that would change it fails loudly
 * instead of changing what the others see.
 */
export class ParsedDataCache {
  private readonly byPosition = new Map<number, { data: unknown; chars: number }>();
  private chars = 0;

  parse(position: number, json: string): unknown {
    if (json.length < MIN_CHARS) return JSON.parse(json);
    const cached = this.byPosition.get(position);
    if (cached) return cached.data;
    const data = deepFreeze(JSON.parse(json) as unknown);
    this.byPosition.set(position, { data, chars: json.length });
    this.chars += json.length;
    for (const [oldest, entry] of this.byPosition) {
      if (this.chars <= MAX_CHARS) break;
      this.byPosition.delete(oldest);
      this.chars -= entry.chars;
    }
    return data;
  }
}
