import { InvalidArgumentError } from 'commander';

/** Commander parser of positions and limits. */
export function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('must be a non-negative integer');
  return parsed;
}
