/**
 * The partition of a key: FNV-1a over its UTF-8 bytes, so every process of every version maps a key
 * to the same partition (a different partition would break per-key order).
 */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
