import type { Role } from '@batchyard/contracts';
import type { Request } from 'express';

/** Who is calling: resolved from the API key by the auth guard. */
export interface Caller {
  tenant: string;
  keyId: string;
  name: string;
  role: Role;
}

export type AuthenticatedRequest = Request & { caller?: Caller };

/**
 * The presented key, from whichever header the dialect uses: `Authorization: <key>` (EVRYTHNG),
 * `Authorization: Bearer <key>` (TofuPilot), `PX-API-KEY` / `X-API-KEY` (PackageX).
 */
export function presentedKey(req: Request): string | undefined {
  const px = req.header('px-api-key') ?? req.header('x-api-key');
  if (px) return px.trim();
  const auth = req.header('authorization')?.trim();
  if (!auth) return undefined;
  const bearer = /^bearer\s+(.+)$/i.exec(auth);
  return (bearer ? bearer[1] : auth).trim() || undefined;
}
