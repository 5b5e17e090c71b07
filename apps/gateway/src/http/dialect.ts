/**
 * Which API a path belongs to: each public one answers in its own error shape and auth header; Batchyard's own
 * (`/batchyard/…`, no vendor's) answers RFC 9457 problem details.
 */
export type Dialect = 'evrythng' | 'packagex' | 'tofupilot' | 'batchyard';

export function dialectOf(path: string): Dialect {
  if (path.startsWith('/v1/') || path === '/v1') return 'packagex';
  if (/^\/(api\/)?v2(\/|$)/.test(path)) return 'tofupilot';
  if (/^\/batchyard(\/|$)/.test(path)) return 'batchyard';
  return 'evrythng';
}
