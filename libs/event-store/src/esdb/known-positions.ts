/** How many positions the adapter remembers as valid: the checkpoints of every processor of a process, many times over. */
const REMEMBERED = 4096;

/**
 * Positions the adapter handed out or checked lately, so a processor reading on from its last page costs no check.
 * The oldest are forgotten first (a Set keeps insertion order).
 */
export class KnownPositions {
  private readonly positions = new Set<number>();

  has(position: number): boolean {
    return this.positions.has(position);
  }

  add(position: number): void {
    this.positions.delete(position);
    this.positions.add(position);
    if (this.positions.size > REMEMBERED) this.positions.delete(this.positions.values().next().value as number);
  }

  delete(position: number): void {
    this.positions.delete(position);
  }
}
