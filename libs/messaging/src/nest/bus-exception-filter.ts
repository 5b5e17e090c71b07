import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Lets a handler's error reach the bus transport as thrown. Nest's default filter logs it and
 * replaces it by `{ status: 'error', message: 'Internal server error' }`, which would leave dead
 * letters without their cause. Register it on microservices that use `BusTransport`:
 * `app.useGlobalFilters(new BusExceptionFilter())`.
 */
@Catch()
export class BusExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
