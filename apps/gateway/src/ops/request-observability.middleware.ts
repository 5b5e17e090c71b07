import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { httpRequests, httpRequestSeconds, withCorrelationId } from '@batchyard/observability';
import type { Infrastructure, Logger } from '@batchyard/runtime';
import { INFRASTRUCTURE } from '../tokens';

export const CORRELATION_HEADER = 'x-correlation-id';

/**
 * Counts and times every request by its matched route (not its URL, which would explode the label
 * set), and logs one JSON line per request with a correlation id: the caller's `X-Correlation-Id` or a
 * new one, echoed in the response and carried by the commands (and so the events) the request causes.
 */
@Injectable()
export class RequestObservability implements NestMiddleware {
  private readonly logger: Logger;

  constructor(@Inject(INFRASTRUCTURE) infra: Infrastructure) {
    this.logger = infra.logger.child({ app: 'gateway' });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const given = req.header(CORRELATION_HEADER);
    const correlationId = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    res.setHeader(CORRELATION_HEADER, correlationId);
    const end = httpRequestSeconds.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      const seconds = end({ method: req.method, route });
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      const commandId = (req as Request & { commandId?: string }).commandId;
      this.logger.info({ correlationId, ...(commandId && { commandId }), method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    withCorrelationId(correlationId, next);
  }
}
