import { BaseRpcContext } from '@nestjs/microservices';
import type { IncomingMessage } from '../port';

/** What a `@Ctx()` parameter gets under the bus transport: the message as the bus delivered it. */
export class BusContext extends BaseRpcContext<[IncomingMessage]> {
  getMessage(): IncomingMessage {
    return this.args[0];
  }
}
