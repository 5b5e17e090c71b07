import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@batchyard/contracts';
import type { AuthenticatedRequest, Caller } from './caller';

export const PUBLIC_ROUTE = 'batchyard:public';
export const ALLOWED_ROLES = 'batchyard:roles';

/** A route anyone may call (health, docs, redirects, signed downloads). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The roles that may call a route or controller (default: operator and user). */
export const AllowRoles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/** The authenticated caller of the request. */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a public route');
  return caller;
});
