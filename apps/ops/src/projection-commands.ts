import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { rebuildProjection } from '@batchyard/projections';
import type { Infrastructure } from '@batchyard/runtime';
import { nonNegativeInteger } from './arguments';
import { projectionsNamed, projectionStatuses, requestReplay, requirePosition } from './projections';

export function projectionCommands(infra: Infrastructure): Command {
  const projections = new Command('projections').description('read-model projections');
  projections
    .command('list')
    .description('each projection, then the relay: version, generation, checkpoint, lag behind the store head, status, parked events')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { json?: boolean }) => {
      const rows = await projectionStatuses(await infra.events(), await infra.readStore());
      if (opts.json) return rows.forEach((row) => console.log(JSON.stringify(row)));
      console.table(rows.map((r) => ({ ...r, targets: r.targets.join(', ') })));
    });
  projections
    .command('rebuild [name]')
    .description('rebuild from the first event into a new generation and swap it in; safe while services run')
    .option('--all', 'every projection')
    .action(async (name: string | undefined, opts: { all?: boolean }) => {
      const [events, readStore] = await Promise.all([infra.events(), infra.readStore()]);
      for (const definition of projectionsNamed(name, Boolean(opts.all))) {
        const bar = new SingleBar(
          { format: `${definition.name} {bar} {percentage}% | {events} events | {rate} events/s | ETA {eta_formatted}`, etaBuffer: 50 },
          Presets.shades_classic,
        );
        const startedAt = Date.now();
        bar.start(1, 0, { events: 0, rate: 0 });
        const result = await rebuildProjection(events, readStore, definition, {
          onProgress: ({ position: at, head, events: count }) => {
            const rate = Math.round(count / Math.max((Date.now() - startedAt) / 1000, 0.001));
            // An empty store is done at once: a total of 1, reached.
            bar.setTotal(Math.max(head, 1));
            bar.update(head === 0 ? 1 : at, { events: count, rate });
          },
        }).finally(() => bar.stop());
        console.log(`${definition.name}: generation ${result.generation} swapped in (${result.events} events, ${Date.now() - startedAt} ms)`);
      }
    });
  projections
    .command('replay <name>')
    .description('reprocess events after a position (a projection, or "relay" to publish them again)')
    .requiredOption('--from <position>', 'global position to replay after: 0 or the position of an event', nonNegativeInteger)
    .action(async (name: string, opts: { from: number }) => {
      await requirePosition(await infra.events(), opts.from);
      await requestReplay(await infra.readStore(), name, opts.from);
      console.log(`${name}: replay from ${opts.from} requested; the running service applies it within a second`);
    });
  return projections;
}
