import { Command, InvalidArgumentError } from 'commander';
import { Leases, ParkedEvents, ParkedRequestError, parkedOutcomes, ProjectionRunner, projectionCheckpoint, requestParked, type ParkedEvent } from '@batchyard/projections';
import { Projections } from '@batchyard/read-models';
import { installationProcessors, ReadStoreDeadLetters, type Infrastructure } from '@batchyard/runtime';
import { createEventRelay } from '@batchyard/event-relay';
import { WEBHOOKS_CHECKPOINT, WebhookDelivery } from '@batchyard/webhooks';
import { nonNegativeInteger } from './arguments';
import { held } from './projections';

/** `--processor batches` → the checkpoint name parked events are kept under. */
function processorNamed(name: string): string {
  const found = installationProcessors().find((p) => p.name === name);
  if (!found)
    throw new InvalidArgumentError(
      `must be one of ${installationProcessors()
        .map((p) => p.name)
        .join(', ')}`,
    );
  return found.checkpoint;
}

const shown = (e: ParkedEvent) =>
  [e.id, e.parkedAt, `attempts=${e.attempts}`, e.type, `tenant=${e.tenant}`, `stream=${e.stream}`, e.heldBehind ? `held behind ${e.heldBehind}` : e.error].join('\t');

export function parkedCommands(infra: Infrastructure): Command {
  const parked = new Command('parked').description('events a processor (projection, relay, webhooks) could not apply and went past');
  const store = async () => new ParkedEvents(await infra.readStore());

  parked
    .command('list')
    .description('parked events by processor and position, with their error; held ones name the event they wait behind')
    .option('--processor <name>', 'only those of one processor (a projection, relay or webhooks)', processorNamed)
    .option('--limit <n>', 'at most this many', nonNegativeInteger, 100)
    .option('--json', 'one JSON object per line, with the documents each writes')
    .action(async (opts: { processor?: string; limit: number; json?: boolean }) => {
      const entries = await (await store()).list({ processor: opts.processor, limit: opts.limit });
      if (opts.json) entries.forEach((e) => console.log(JSON.stringify(e)));
      else {
        entries.forEach((e) => console.log(shown(e)));
        if (!entries.length) console.log('no parked events');
        // Bus consumers dead-letter instead; one pointer, so neither list hides the other.
        const deadLetters = await new ReadStoreDeadLetters(await infra.readStore()).count();
        if (deadLetters) console.log(`${deadLetters} bus message(s) dead-lettered by consumers: see dlq list`);
      }
    });

  for (const request of ['retry', 'skip'] as const) {
    parked
      .command(`${request} <ids...>`)
      .description(
        request === 'retry'
          ? 'apply parked events again (and what is held behind them), once their cause is gone'
          : 'give parked events up: apply what is held behind them without them',
      )
      .option('--timeout <seconds>', 'how long to wait for the processor', nonNegativeInteger, 600)
      .action(async (ids: string[], opts: { timeout: number }) => {
        const readStore = await infra.readStore();
        const standbys = await standbysFor(infra, await (await store()).get(ids));
        try {
          const asked = await requestParked(readStore, ids, request);
          const outcomes = await parkedOutcomes(readStore, asked, opts.timeout * 1000);
          for (const o of outcomes) {
            if (o.result === 'failed') console.log(`${o.id}: still parked (attempts=${o.attempts}): ${o.error}`);
            else if (o.result === 'pending') console.log(`${o.id}: requested; the processor has not carried it out yet (see parked list)`);
            else console.log(`${o.id}: ${o.result}`);
          }
          if (outcomes.some((o) => o.result !== (request === 'retry' ? 'retried' : 'skipped'))) process.exitCode = 1;
        } finally {
          for (const s of standbys) await s.stop();
        }
      });
  }
  return parked;
}

/**
 * A processor with no live lease holder runs here until the requests are carried out, as a rebuild's
 * standby runner does: the requests are always carried out by the one instance that writes.
 */
async function standbysFor(infra: Infrastructure, asked: readonly ParkedEvent[]): Promise<{ stop(): Promise<void> }[]> {
  const processors = new Set(asked.map((a) => a.processor));
  const unknown = [...processors].filter((p) => !installationProcessors().some((known) => known.checkpoint === p));
  if (unknown.length) throw new ParkedRequestError(`${unknown.join(', ')}: not a processor of this installation, nothing can carry the request out`);
  const [events, readStore] = await Promise.all([infra.events(), infra.readStore()]);
  const leases = new Leases(readStore);
  const standbys: { stop(): Promise<void> }[] = [];
  for (const processor of processors) {
    if (held(await leases.holder(processor))) continue;
    const definition = Projections.find((p) => projectionCheckpoint(p) === processor);
    if (definition) {
      const runner = new ProjectionRunner(events, readStore, definition);
      await runner.start();
      standbys.push(runner);
    } else if (processor === WEBHOOKS_CHECKPOINT) {
      // It queues the deliveries; a running batch service sends them.
      const webhooks = new WebhookDelivery(events, readStore, { allowPrivate: infra.config.webhooksAllowPrivate ?? false, dispatch: false });
      await webhooks.start();
      standbys.push(webhooks);
    } else {
      const relay = createEventRelay(events, readStore, await infra.bus());
      relay.start();
      standbys.push(relay);
    }
  }
  return standbys;
}
