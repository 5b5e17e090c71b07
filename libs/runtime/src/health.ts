import { Checkpoints, type CheckpointDoc } from '@batchyard/projections';
import { ReadStoreDeadLetters } from './dead-letter-store';
import type { Infrastructure } from './infrastructure';

export interface ComponentHealth {
  adapter: string;
  status: 'up' | 'down';
  /** Why it is down, in general terms; the error itself is in the log. */
  reason?: string;
}

/** `degraded`: it goes on, but an operator must look (parked events, `ops parked list`); `stalled`: it cannot advance. */
export interface ProcessorHealth {
  status: 'running' | 'degraded' | 'stalled';
  parked: number;
}

/** `degraded`: messages went to the dead-letter topic (`ops dlq list`). */
export interface ConsumerHealth {
  status: 'running' | 'degraded';
  deadLetters: number;
}

export interface Health {
  status: 'ok' | 'degraded';
  components: Record<string, ComponentHealth>;
  /** The processors this process runs (projections, the relay), when it runs any. */
  processors?: Record<string, ProcessorHealth>;
  /** The bus consumer groups this process runs, when it runs any. */
  consumers?: Record<string, ConsumerHealth>;
}

type Component = keyof Infrastructure['adapters'];

/** A cheap real call per port, under the name `/health` reports it by. */
const PROBES: Record<string, [Component, (infra: Infrastructure) => Promise<unknown>]> = {
  events: ['eventStore', async (infra) => (await infra.events()).headPosition()],
  readStore: ['readStore', async (infra) => (await infra.readStore()).kept('_health').get('probe')],
  // A group prefix that matches no group: one round trip to the broker (or the log), nothing measured.
  bus: ['bus', async (infra) => (await infra.bus()).consumerLag('\u0000health')],
  blobs: ['blobStore', async (infra) => (await infra.blobs()).stat('0'.repeat(64))],
};

/**
 * The health of each port this process has opened, and of the processors and consumers it runs. A port down
 * makes the answer 503 (`healthStatusCode`): the process cannot serve. Parked events, dead letters and stalls
 * make it `degraded` with 200: restarting the process would not help, an operator must act.
 */
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
        infra.logger.warn({ err: error, component }, 'health probe failed');
        components[component] = { adapter, status: 'down', reason: 'does not answer' };
      }
    }),
  );
  const health: Health = { status: 'ok', components, ...(components.readStore?.status !== 'down' && (await work(infra))) };
  const troubled = [...Object.values(health.processors ?? {}), ...Object.values(health.consumers ?? {})].some((w) => w.status !== 'running');
  if (troubled || Object.values(components).some((c) => c.status === 'down')) health.status = 'degraded';
  return health;
}

export const healthStatusCode = (health: Health) => (Object.values(health.components).some((c) => c.status === 'down') ? 503 : 200);

/** What the roster says this process runs, as the read store records it. */
async function work(infra: Infrastructure): Promise<Pick<Health, 'processors' | 'consumers'>> {
  const { processors, consumers } = infra.roster;
  if (!processors.length && !consumers.length) return {};
  const readStore = await infra.readStore();
  const states = new Map((await new Checkpoints(readStore).all()).map((c) => [c._id, c]));
  const result: Pick<Health, 'processors' | 'consumers'> = {};
  if (processors.length) {
    result.processors = Object.fromEntries(processors.map(({ name, checkpoint }) => [name, processorHealth(states.get(checkpoint))]));
  }
  if (consumers.length) {
    const deadLetters = new ReadStoreDeadLetters(readStore);
    result.consumers = Object.fromEntries(
      await Promise.all(
        consumers.map(async (group) => {
          const count = await deadLetters.count(group);
          return [group, { status: count ? 'degraded' : 'running', deadLetters: count } satisfies ConsumerHealth] as const;
        }),
      ),
    );
  }
  return result;
}

function processorHealth(state: CheckpointDoc | undefined): ProcessorHealth {
  const parked = state?.parked ?? 0;
  return { status: state?.stalledSince ? 'stalled' : parked ? 'degraded' : 'running', parked };
}
