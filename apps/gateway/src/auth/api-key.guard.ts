import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { sha256Hex, type Role } from '@batchyard/contracts';
import type { ApiKeyDoc } from '@batchyard/read-models';
import type { ReadStore } from '@batchyard/read-store';
import { ApiError } from '../http/api-error';
import { READ_STORE } from '../tokens';
import { ALLOWED_ROLES, PUBLIC_ROUTE } from './auth.decorators';
import { presentedKey, type AuthenticatedRequest } from './caller';
import { RequestRates } from './request-rates';

const DEFAULT_ROLES: readonly Role[] = ['operator', 'user'];

/**
 * Resolves the API key to its tenant and role on every non-public route (keys are stored hashed), then takes one
 * request from the key's rate: a key that sends too fast gets 429, whatever its role.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(RequestRates) private readonly rates: RequestRates,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedKey(req);
    if (!key) throw new ApiError('UNAUTHORIZED', 'Missing API key in the Authorization header');
    const doc = await this.readStore.collection<ApiKeyDoc>('api_keys').get(sha256Hex(key));
    if (!doc || doc.revoked) throw new ApiError('UNAUTHORIZED', 'Invalid or revoked API key');
    const allowed = this.reflector.getAllAndOverride<Role[]>(ALLOWED_ROLES, targets) ?? DEFAULT_ROLES;
    if (!allowed.includes(doc.role)) throw new ApiError('FORBIDDEN', `A ${doc.role} key may not do this`);
    this.rates.take(doc.keyId);
    req.caller = { tenant: doc.tenant, keyId: doc.keyId, name: doc.name, role: doc.role };
    return true;
  }
}
