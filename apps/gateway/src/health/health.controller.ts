import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { checkHealth, healthStatusCode, type Health, type Infrastructure } from '@batchyard/runtime';
import { Public } from '../auth/auth.decorators';
import { INFRASTRUCTURE } from '../tokens';

/** `GET /health`: each port this process uses, probed with a cheap real call (503 when one is down), and its processors and consumers. */
@Controller('health')
export class HealthController {
  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {}

  @Get()
  @Public()
  async health(@Res({ passthrough: true }) res: Response): Promise<Health> {
    const health = await checkHealth(this.infra);
    res.status(healthStatusCode(health));
    return health;
  }
}
