/** Which public API a path belongs to: each answers in its own error shape and auth header. */
export type Dialect = 'evrythng' | 'packagex' | 'tofupilot';

export function dialectOf(path: string): Dialect {
  if (path.startsWith('/v1/') || path === '/v1') return 'packagex';
  if (/^\/(api\/)?v2(\/|$)/.test(path)) return 'tofupilot';
  return 'evrythng';
}
