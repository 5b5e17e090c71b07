/**
 * Partitions of every topic the apps create: the most members a consumer group can spread its work over (three task
 * workers need at least three on `batchyard.events.task`). The apps create their topics themselves with this count,
 * so a broker's `num.partitions` does not apply to them; a topic keeps the count it was created with.
 */
export const DEFAULT_PARTITIONS = 4;

/** `BATCHYARD_BUS_PARTITIONS`, the same for both buses so that a key spreads the same way in both modes. */
export function partitionsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.BATCHYARD_BUS_PARTITIONS;
  if (!text) return DEFAULT_PARTITIONS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw new RangeError(`BATCHYARD_BUS_PARTITIONS must be a whole number from 1 to 1000, not "${text}"`);
  return value;
}
