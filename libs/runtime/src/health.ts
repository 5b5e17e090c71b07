import type { Infrastructure } from './infrastructure';

export interface ComponentHealth {
  adapter: string;
  status: 'up' | 'down';
  error?: string;
}

export interface Health {
  status: 'ok' | 'degraded';
  components: Record<string, ComponentHealth>;
}

type Component = keyof Infrastructure['adapters'];

/** A cheap real call per port, under the name `/health` reports it by. */
const PROBES: Record<string, [Component, (infra: Infrastructure) => Promise<unknown>]> = {
  events: ['eventStore', async (infra) => (await infra.events()).headPosition()],
  readStore: ['readStore', async (infra) => (await infra.readStore()).physical('_health').get('probe')],
  // A group prefix that matches no group: one round trip to the broker (or the log), nothing measured.
  bus: ['bus', async (infra) => (await infra.bus()).consumerLag('\u0000health')],
  blobs: ['blobStore', async (infra) => (await infra.blobs()).stat('0'.repeat(64))],
};

/** The health of each port this process has opened: what its apps depend on, and nothing else. */
export async function checkHealth(infra: Infrastructure): Promise<Health> {
  const components: Record<string, ComponentHealth> = {};
  await Promise.all(
    infra.openedPorts().map(async (port) => {
      const [component, probe] = PROBES[port];
      const adapter = infra.adapters[component];
      try {
        await probe(infra);
        components[component] = { adapter, status: 'up' };
      } catch (error) {
        components[component] = { adapter, status: 'down', error: (error as Error).message };
      }
    }),
  );
  const up = Object.values(components).every((c) => c.status === 'up');
  return { status: up ? 'ok' : 'degraded', components };
}
