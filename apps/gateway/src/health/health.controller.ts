import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Infrastructure } from '@batchyard/runtime';
import { Public } from '../auth/auth.decorators';
import { INFRASTRUCTURE } from '../tokens';

type ComponentStatus = { adapter: string; status: 'up' | 'down'; error?: string };

/** `GET /health`: each port this process uses, probed with a cheap real call. */
@Controller('health')
export class HealthController {
  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {}

  @Get()
  @Public()
  async health(@Res({ passthrough: true }) res: Response) {
    const adapters = this.infra.adapters;
    const probes: Record<string, [string, () => Promise<unknown>]> = {
      readStore: [adapters.readStore, async () => (await this.infra.readStore()).physical('_health').get('probe')],
      bus: [adapters.bus, () => this.infra.bus()],
      blobStore: [adapters.blobStore, async () => (await this.infra.blobs()).stat('0'.repeat(64))],
    };
    if (this.infra.openedPorts().includes('events')) {
      probes.eventStore = [adapters.eventStore, async () => (await this.infra.events()).headPosition()];
    }
    const components: Record<string, ComponentStatus> = {};
    await Promise.all(
      Object.entries(probes).map(async ([name, [adapter, probe]]) => {
        try {
          await probe();
          components[name] = { adapter, status: 'up' };
        } catch (error) {
          components[name] = { adapter, status: 'down', error: (error as Error).message };
        }
      }),
    );
    const up = Object.values(components).every((c) => c.status === 'up');
    res.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'degraded', components };
  }
}
