/**
 * One page of a TofuPilot listing read with `limit + 1` rows: `next_cursor` is the next offset, and
 * `null` on the last page (the client requires the key).
 */
export function offsetPage<D, V>(rows: readonly D[], q: { limit: number; cursor: number }, view: (row: D) => V) {
  const hasMore = rows.length > q.limit;
  return { data: rows.slice(0, q.limit).map(view), meta: { has_more: hasMore, next_cursor: hasMore ? q.cursor + q.limit : null } };
}
