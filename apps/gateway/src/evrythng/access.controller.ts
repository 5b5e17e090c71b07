import { Controller, Get, Param } from '@nestjs/common';
import { evrythngIdFrom } from '@batchyard/contracts';
import { CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { ApiError } from '../http/api-error';

/** An EVRYTHNG operator id (24 characters, as EVRYTHNG's are) for a key: derived, so every gateway answers the same. */
const operatorIdOf = (caller: Caller) => evrythngIdFrom(`operator:${caller.tenant}:${caller.keyId}`);

/**
 * The key resolution the EVRYTHNG SDK's `new Operator(key)` performs before anything else
 * (spec/clients/evrythng-js.md §3). Every key allowed on this dialect acts as an operator of its tenant.
 */
@Controller()
export class EvrythngAccessController {
  @Get('access')
  access(@CurrentCaller() caller: Caller) {
    return { account: caller.tenant, actor: { type: 'operator', id: operatorIdOf(caller) } };
  }

  /** Merged into the SDK's scope object: only plain fields, none of the scope's method names nor `apiKey`. */
  @Get('operators/:operatorId')
  operator(@Param('operatorId') operatorId: string, @CurrentCaller() caller: Caller) {
    const id = operatorIdOf(caller);
    if (operatorId !== id) throw new ApiError('NOT_FOUND', `Operator ${operatorId} not found`);
    return { id, name: caller.name, account: caller.tenant };
  }
}
