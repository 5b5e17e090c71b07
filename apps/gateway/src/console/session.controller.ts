import { Controller, Get } from '@nestjs/common';
import { Roles } from '@batchyard/contracts';
import { AllowRoles, CurrentCaller } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';

/** Batchyard's own API: who a key is (the console signs in with it and shows the tenant and role); any role may ask. */
@Controller('batchyard/v1')
@AllowRoles(...Roles)
export class SessionController {
  @Get('session')
  session(@CurrentCaller() caller: Caller) {
    return { tenant: caller.tenant, keyId: caller.keyId, name: caller.name, role: caller.role };
  }
}
