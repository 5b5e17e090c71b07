import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, RecordedEvent } from '@batchyard/contracts';
import { openEventStore, type EventStore } from '@batchyard/event-store';
import { openReadStore, StoreUnavailableError, type ReadStore } from '@batchyard/read-store';
import { applyEvents } from './apply-events';
import { CheckpointedProcessor } from './checkpointed-processor';
import { Checkpoints } from './checkpoints';
import { applyUntilFailure } from './failure-isolation';
import { ParkedEvents } from './parked-events';
import { ProcessorControls } from './processor-control';
import { parkedOutcomes, requestParked } from './parked-requests';
import type { ProjectionDefinition } from './projection-definition';
import { rebuildProjection } from './projection-rebuild';
import { projectionCheckpoint, ProjectionRunner } from './projection-runner';

type Data = { key: string; n?: number; poison?: boolean; unreadable?: boolean };

const event = (data: Data): NewEvent => ({
  eventId: randomUUID(),
  type: 'Counted',
  version: 1,
  tenant: `tenant-${data.key}`,
  correlationId: 'c',
  causationId: `command-${data.key}-${data.n ?? 0}`,
  occurredAt: new Date().toISOString(),
  data,
});

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in time`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const fast = { attempts: 3, backoff: { baseMs: 5, maxMs: 20 }, stalledRetryMaxMs: 50 };

describe('failure isolation', () => {
  let dir: string;
  let events: EventStore;
  let readStore: ReadStore;
  let parked: ParkedEvents;
  let checkpoints: Checkpoints;
  const running: { stop(): Promise<void> }[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parking-'));
    events = await openEventStore({ dataDir: dir });
    readStore = await openReadStore({ dataDir: dir });
    parked = new ParkedEvents(readStore);
    checkpoints = new Checkpoints(readStore);
  });
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const append = async (...data: Data[]) => (await events.append(`s-${randomUUID()}`, data.map(event), 'no_stream')).position;

  describe('applyUntilFailure', () => {
    it('applies everything before the first item that fails alone, in order, and nothing after it', async () => {
      const applied: number[] = [];
      const result = await applyUntilFailure([1, 2, 3, 4, 5, 6, 7], async (items) => {
        if (items.includes(5)) throw new Error('five');
        applied.push(...items);
      });
      expect(result).toEqual({ applied: 4, failed: { item: 5, error: new Error('five') } });
      expect(applied).toEqual([1, 2, 3, 4]);
    });
  });

  describe('a processor', () => {
    /**
     * Fails every page holding the event of `key`, as a connection that drops big writes does: until it has failed
     * `failures` times alone, or (`untilOthers`) until another event is handled after it first failed alone (a probe).
     */
    type Flaky = { key: string; error: () => Error; failures?: number; untilOthers?: boolean; failedAlone?: boolean };
    /** Handles events into `seen`; throws for poison ones, and for every one while `down`. */
    function start(state: { down?: boolean; downTries?: number; fixed?: boolean; poisonTries?: number; flaky?: Flaky }, seen: number[]) {
      const processor = new CheckpointedProcessor(events, readStore, {
        name: 'relay-like',
        isolation: fast,
        handle: async (page) => {
          if (state.down) {
            state.downTries = (state.downTries ?? 0) + 1;
            throw new Error('connection refused');
          }
          const flaky = state.flaky;
          const holdsFlaky = flaky !== undefined && page.some((e) => (e.data as Data).key === flaky.key);
          if (flaky?.untilOthers && flaky.failedAlone && !holdsFlaky) flaky.untilOthers = false;
          if (flaky && holdsFlaky && ((flaky.failures ?? 0) > 0 || flaky.untilOthers)) {
            if (page.length === 1) {
              flaky.failures = (flaky.failures ?? 0) - 1;
              flaky.failedAlone = true;
            }
            throw flaky.error();
          }
          const poisoned = page.find((e) => (e.data as Data).poison && !state.fixed);
          if (poisoned) {
            state.poisonTries = (state.poisonTries ?? 0) + 1;
            throw new Error(`cannot handle ${(poisoned.data as Data).key}`);
          }
          for (const e of page) if (!seen.includes(e.position)) seen.push(e.position);
        },
      });
      processor.start();
      running.push(processor);
      return processor;
    }

    it('parks the event it cannot handle, with what an operator needs, and handles the rest of its page in order', async () => {
      const seen: number[] = [];
      await append({ key: 'a' }, { key: 'b' }, { key: 'bad', poison: true }, { key: 'c' }, { key: 'd' });
      const processor = start({}, seen);
      // The checkpoint is saved just after the processor moves on: wait for what is read below, not for the move.
      await until(async () => processor.position === 5 && (await checkpoints.doc('relay-like')).position === 5, 'the page passed and its checkpoint saved');
      expect(seen).toEqual([1, 2, 4, 5]);
      const [entry] = await parked.ofProcessor('relay-like');
      const [bad] = await events.readAll({ after: 2, maxCount: 1 });
      expect(entry).toEqual({
        id: 'relay-like#3',
        processor: 'relay-like',
        position: 3,
        eventId: bad.eventId,
        type: 'Counted',
        stream: bad.stream,
        tenant: 'tenant-bad',
        causationId: 'command-bad-0',
        error: 'cannot handle bad',
        attempts: fast.attempts,
        parkedAt: expect.any(String),
      });
      expect(await checkpoints.doc('relay-like')).toMatchObject({ position: 5, parked: 1 });
      expect((await checkpoints.doc('relay-like')).stalledSince).toBeUndefined();

      // Another like it is parked after a single try, and the one after the probe.
      await append({ key: 'bad2', poison: true }, { key: 'e' });
      await until(() => processor.position === 7, 'the second poison passed');
      expect((await parked.ofProcessor('relay-like')).map((p) => [p.position, p.attempts])).toEqual([
        [3, fast.attempts],
        [6, 2],
      ]);
      expect(seen).toEqual([1, 2, 4, 5, 7]);
    });

    it('leaves a parked event as it is when it meets it again (a replay), trying it no more', async () => {
      const seen: number[] = [];
      const state: { poisonTries?: number } = {};
      await append({ key: 'a' }, { key: 'bad', poison: true }, { key: 'b' });
      const processor = start(state, seen);
      await until(() => processor.position === 3, 'the page');
      const before = await parked.ofProcessor('relay-like');
      const tries = state.poisonTries;
      await new ProcessorControls(readStore).requestRewind('relay-like', 0);
      await until(async () => (await readStore.physical('_processor_control').get('relay-like'))?.rewindTo === undefined, 'the rewind applied');
      await append({ key: 'c' });
      await until(() => processor.position === 4, 'the events again, and the next');
      expect(state.poisonTries).toBe(tries);
      expect(await parked.ofProcessor('relay-like')).toEqual(before);
      expect(seen).toEqual([1, 3, 4]);
    });

    it('stalls and parks nothing while a store fails for every event, then goes on in order', async () => {
      const seen: number[] = [];
      const state = { down: false, downTries: 0 };
      await append({ key: 'a' });
      const processor = start(state, seen);
      await until(() => seen.length === 1, 'the first event');
      state.down = true;
      await append({ key: 'b' }, { key: 'c' });
      await until(async () => (await checkpoints.doc('relay-like')).stalledSince !== undefined, 'the stall reported');
      // Tries keep coming while stalled (the store, not the event, is at fault): still nothing parked, nothing passed.
      const triesAtStall = state.downTries;
      await until(() => state.downTries >= triesAtStall + 5, 'five more tries while stalled');
      expect(processor.position).toBe(1);
      expect(await parked.ofProcessor('relay-like')).toEqual([]);

      state.down = false;
      await until(() => processor.position === 3, 'the events after the outage');
      expect(seen).toEqual([1, 2, 3]);
      await until(async () => (await checkpoints.doc('relay-like')).stalledSince === undefined, 'the stall cleared');
      expect(await parked.ofProcessor('relay-like')).toEqual([]);
    });

    it('never parks an event while the store says it did not answer, though probes pass; it goes on in order once it does', async () => {
      const seen: number[] = [];
      const state = { flaky: { key: 'big', failures: fast.attempts * 4, error: () => new StoreUnavailableError(new Error('connection reset')) } };
      await append({ key: 'a' }, { key: 'big' }, { key: 'b' });
      const processor = start(state, seen);
      await until(() => processor.position === 3, 'the events once the store answered');
      expect(state.flaky.failures).toBeLessThanOrEqual(0);
      expect(seen).toEqual([1, 2, 3]);
      expect(await parked.ofProcessor('relay-like')).toEqual([]);
    });

    it('does not park an event that fails until just when the probe passes: the store came back, the event was never at fault', async () => {
      const seen: number[] = [];
      const state = { flaky: { key: 'big', untilOthers: true, error: () => new Error('pool cleared') } };
      await append({ key: 'a' }, { key: 'big' }, { key: 'b' });
      const processor = start(state, seen);
      await until(() => processor.position === 3, 'the events');
      expect(seen).toEqual([1, 2, 3]);
      expect(await parked.ofProcessor('relay-like')).toEqual([]);
    });

    it('stalls, started during an outage, probing with the first events it handled before', async () => {
      const seen: number[] = [];
      await append({ key: 'a' }, { key: 'b' });
      const first = start({}, seen);
      await until(() => first.position === 2, 'the first events');
      await first.stop();
      running.splice(0);

      await append({ key: 'c' });
      const state = { down: true };
      const second = start(state, seen);
      await until(async () => (await checkpoints.doc('relay-like')).stalledSince !== undefined, 'the stall reported');
      expect(await parked.ofProcessor('relay-like')).toEqual([]);
      state.down = false;
      await until(() => second.position === 3, 'the event after the outage');
      expect(await parked.ofProcessor('relay-like')).toEqual([]);
    });

    it('keeps its parked events across a restart and handles one again on retry once the cause is gone', async () => {
      const seen: number[] = [];
      const state = { fixed: false };
      // The very first event is bad: with nothing handled before it, the state write alone is the probe.
      await append({ key: 'bad', poison: true }, { key: 'a' }, { key: 'b' });
      const first = start(state, seen);
      await until(() => first.position === 3, 'the page');
      await first.stop();
      running.splice(0);

      // After a restart, probes come from the first events in the store, but never from a parked one.
      const second = start(state, seen);
      await append({ key: 'bad2', poison: true }, { key: 'c' });
      await until(() => second.position === 5, 'the events after the restart');
      expect(seen).toEqual([2, 3, 5]);
      expect((await parked.ofProcessor('relay-like')).map((p) => p.id)).toEqual(['relay-like#1', 'relay-like#4']);

      // The cause is still there: the retry fails and says why; the event stays parked.
      let [outcome] = await parkedOutcomes(readStore, await requestParked(readStore, ['relay-like#1'], 'retry'), 10_000);
      expect(outcome).toEqual({ id: 'relay-like#1', result: 'failed', error: 'cannot handle bad', attempts: fast.attempts + 1 });

      state.fixed = true;
      [outcome] = await parkedOutcomes(readStore, await requestParked(readStore, ['relay-like#1'], 'retry'), 10_000);
      expect(outcome).toEqual({ id: 'relay-like#1', result: 'retried' });
      expect(seen).toEqual([2, 3, 5, 1]);
      expect((await parked.ofProcessor('relay-like')).map((p) => p.id)).toEqual(['relay-like#4']);
      await until(async () => (await checkpoints.doc('relay-like')).parked === 1, 'the count');
      await expect(requestParked(readStore, ['relay-like#1'], 'retry')).rejects.toThrow(/no parked event with id relay-like#1/);
    });
  });

  describe('a projection', () => {
    /**
     * Counters keyed by `key`: a put of `n` or, without `n`, an increment. A poison event sets a field the store
     * refuses (`_id`) until fixed; an unreadable one makes the projection's own code throw until fixed.
     */
    const code = { fixed: false };
    const Counters: ProjectionDefinition = {
      name: 'counters',
      version: 1,
      eventTypes: ['Counted'],
      collections: [{ name: 'counters', indexes: [] }],
      apply(e: RecordedEvent) {
        const { key, n, poison, unreadable } = e.data as Data;
        if (unreadable && !code.fixed) throw new TypeError('cannot read this event');
        const seen = { [`seen_${e.position}`]: true };
        if (n !== undefined) return [{ collection: 'counters', op: { kind: 'put', id: key, doc: { n, ...seen } } }];
        const set = poison && !code.fixed ? { _id: 'x' } : seen;
        return [{ collection: 'counters', op: { kind: 'patch', id: key, inc: { n: 1 }, set } }];
      },
    };
    beforeEach(() => {
      code.fixed = false;
    });

    const counters = async () => Object.fromEntries((await readStore.collection('counters').find({})).map(({ _id, _position, ...d }) => [_id, d]));
    /** The counters a rebuild from the events alone makes, leaving out those it cannot apply. */
    async function rebuilt(): Promise<Record<string, unknown>> {
      const all = await events.readAll({ after: 0, maxCount: 10_000 });
      const targets = new Map([['counters', `rebuilt_${randomUUID().slice(0, 8)}`]]);
      for (let rest = all; rest.length;) {
        const { applied, failed } = await applyUntilFailure(rest, (run) => applyEvents(readStore, Counters, targets, run));
        rest = failed ? rest.slice(applied + 1) : [];
      }
      return Object.fromEntries((await readStore.physical(targets.get('counters')!).find({})).map(({ _id, _position, ...d }) => [_id, d]));
    }
    const runner = async () => {
      const r = new ProjectionRunner(events, readStore, Counters, { isolation: fast });
      await r.start();
      running.push(r);
      return r;
    };
    const name = projectionCheckpoint(Counters);
    /** Its position alone is not enough: readers find the collection once the first caught-up page set it, before the checkpoint. */
    const caughtUp = (r: ProjectionRunner, position: number) =>
      until(async () => r.position === position && (await checkpoints.doc(name)).position === position, 'the events and the checkpoint');

    it('holds later events on a parked event’s document, and a retry after the fix makes the documents equal a rebuild', async () => {
      await append({ key: 'k', n: 10 }, { key: 'k', poison: true }, { key: 'k' }, { key: 'other', n: 1 });
      const r = await runner();
      await caughtUp(r, 4);
      // k shows a state it really had (before the parked event), not one with a hole.
      expect(await counters()).toEqual({ k: { n: 10, seen_1: true }, other: { n: 1, seen_4: true } });
      const entries = await parked.ofProcessor(name);
      expect(entries.map((p) => [p.position, p.heldBehind, p.keys])).toEqual([
        [2, undefined, ['counters/k']],
        [3, `${name}#2`, ['counters/k']],
      ]);
      expect(entries[0].error).toBe('invalid query: _id cannot be patched');
      expect(await parked.anyCausedBy(name, 'command-k-0')).toBe(true);
      await expect(requestParked(readStore, [`${name}#3`], 'retry')).rejects.toThrow(`${name}#3 is held behind ${name}#2: retry that one`);

      // Held behind it too: a new event on k, even after a restart.
      await r.stop();
      running.splice(0);
      const again = await runner();
      await append({ key: 'k' });
      await until(() => again.position === 5, 'the event after the restart');
      expect((await parked.ofProcessor(name)).map((p) => p.position)).toEqual([2, 3, 5]);

      code.fixed = true;
      const [outcome] = await parkedOutcomes(readStore, await requestParked(readStore, [`${name}#2`], 'retry'), 10_000);
      expect(outcome).toEqual({ id: `${name}#2`, result: 'retried' });
      expect(await parked.ofProcessor(name)).toEqual([]);
      expect(await counters()).toEqual({ k: { n: 13, seen_1: true, seen_2: true, seen_3: true, seen_5: true }, other: { n: 1, seen_4: true } });
      expect(await counters()).toEqual(await rebuilt());
      // Free again: the next event on k applies at once.
      await append({ key: 'k' });
      await until(() => again.position === 6, 'the event after the retry');
      expect((await counters()).k).toMatchObject({ n: 14, seen_6: true });
    });

    it('re-derives on retry what a later event wrote over: a guarded re-apply would skip', async () => {
      // The projection cannot even say which documents the event writes: nothing is held behind it.
      await append({ key: 'k', n: 10 }, { key: 'k', unreadable: true }, { key: 'k' });
      const r = await runner();
      await caughtUp(r, 3);
      expect(await counters()).toEqual({ k: { n: 11, seen_1: true, seen_3: true } });
      expect((await parked.ofProcessor(name)).map((p) => [p.position, p.keys, p.error])).toEqual([[2, undefined, 'cannot read this event']]);

      code.fixed = true;
      const [outcome] = await parkedOutcomes(readStore, await requestParked(readStore, [`${name}#2`], 'retry'), 10_000);
      expect(outcome.result).toBe('retried');
      expect(await counters()).toEqual({ k: { n: 12, seen_1: true, seen_2: true, seen_3: true } });
      expect(await counters()).toEqual(await rebuilt());
    });

    it('skips: applies what waits behind the parked event and leaves it out, as a rebuild that cannot apply it does', async () => {
      await append({ key: 'k', n: 10 }, { key: 'k', poison: true }, { key: 'k' }, { key: 'k' });
      const r = await runner();
      await caughtUp(r, 4);
      const [outcome] = await parkedOutcomes(readStore, await requestParked(readStore, [`${name}#2`], 'skip'), 10_000);
      expect(outcome).toEqual({ id: `${name}#2`, result: 'skipped' });
      expect(await parked.ofProcessor(name)).toEqual([]);
      expect(await counters()).toEqual({ k: { n: 12, seen_1: true, seen_3: true, seen_4: true } });
      expect(await counters()).toEqual(await rebuilt());
    });

    it('rebuilds: parks again what still fails in place of the old entries, and none once fixed', async () => {
      await append({ key: 'k', n: 10 }, { key: 'k', poison: true }, { key: 'k' }, { key: 'j', n: 1 });
      const r = await runner();
      await caughtUp(r, 4);
      const before = await parked.ofProcessor(name);

      const still = await rebuildProjection(events, readStore, Counters, { isolation: fast });
      expect(still.parked).toBe(2);
      expect((await parked.ofProcessor(name)).map((p) => [p.id, p.heldBehind])).toEqual(before.map((p) => [p.id, p.heldBehind]));
      expect(await parked.ofProcessor(`${name}~rebuild`)).toEqual([]);
      expect(await counters()).toEqual({ k: { n: 10, seen_1: true }, j: { n: 1, seen_4: true } });

      code.fixed = true;
      const fixed = await rebuildProjection(events, readStore, Counters, { isolation: fast });
      expect(fixed.parked).toBe(0);
      expect(await parked.ofProcessor(name)).toEqual([]);
      expect(await counters()).toEqual(await rebuilt());
      await until(async () => (await checkpoints.doc(name)).parked === 0, 'the live runner’s count');
    });
  });
});
