import { randomUUID } from 'node:crypto';
import { StreamCategory, claimId, newApiKey, streamName, type UniqueValueKind } from '@batchyard/contracts';
import { openEventStore, type EventStore } from '@batchyard/event-store';
import { describeProcessTiers, dialectError, http, startAppCluster, type AppCluster, type HttpResult } from '@batchyard/test-support';

/**
 * A batch number or serial number is claimed and written by one command in the batch service: kill -9 of the batch
 * service between the claim and the write leaves the number held by a batch or unit that exists once the command is
 * redelivered, or free, never held by nothing; a second create with the number is then 409, or 200 if it was free.
 *
 * How the kill lands between the two: statistically, with the invariant checked over every create. Each round sends
 * a burst of TofuPilot creates (batches and units, each number its own), reads the event store as they are handled
 * and kills the batch service the moment it sees a claim whose write is not there yet; right after the kill (nothing
 * writes the event store then) it counts the numbers claimed whose write is missing: those the kill caught between
 * the two. The kill lands a little after the sighting, so a round may catch none (about half do not); rounds go on,
 * at most 12, until one caught at least one, and the test requires that one did. No fault hook: the batch service
 * runs as in production. Each round's counts go to stderr.
 */
describeProcessTiers('A claimed number survives kill -9 of the batch service between claim and write', { embedded: 120, distributed: 60 }, crashTests);

const TENANT = 'default';
const MAX_ROUNDS = 12;
const SETTLE_MS = 180_000;

interface Create {
  kind: UniqueValueKind;
  value: string;
  key: string;
}

function crashTests(serverEnv: NodeJS.ProcessEnv, burst: number) {
  const key = newApiKey();
  let cluster: AppCluster;
  let events: EventStore;
  const headers = { authorization: `Bearer ${key}`, accept: 'application/json' };
  const create = (c: Create, idempotencyKey: string): Promise<HttpResult> =>
    c.kind === 'batch-number'
      ? http(`${cluster.url}/api/v2/batches`, { method: 'POST', headers: { ...headers, 'idempotency-key': idempotencyKey }, body: { number: c.value } })
      : http(`${cluster.url}/api/v2/units`, {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': idempotencyKey },
          body: { serial_number: c.value, part_number: 'P', revision_number: 'A' },
        });
  const read = (c: Create) => http(`${cluster.url}/api/v2/${c.kind === 'batch-number' ? 'batches' : 'units'}/${encodeURIComponent(c.value)}`, { headers });

  /** Who holds the value on its claim stream, and whether that owner's create is in its own stream. */
  const claimOf = async (c: Create) => {
    const claims = await events.readStream(streamName(StreamCategory.reservation, TENANT, claimId(c.kind, c.value)));
    const last = claims.at(-1);
    const owner = last?.type === 'UniqueValueClaimed' ? (last.data as { ownerId: string }).ownerId : undefined;
    if (!owner) return { owner, claims, created: [] };
    const [category, type] = c.kind === 'batch-number' ? [StreamCategory.batch, 'BatchCreated'] : [StreamCategory.unit, 'UnitCreated'];
    const created = (await events.readStream(streamName(category, TENANT, owner))).filter((e) => e.type === type);
    return { owner, claims, created };
  };

  beforeAll(async () => {
    cluster = await startAppCluster(['batch-service', 'gateway'], key, serverEnv);
    events = await openEventStore({ dataDir: cluster.dataDir });
  }, 200_000);

  afterAll(async () => {
    await events?.close();
    await cluster?.stop();
  });

  it('leaves every number held by what exists or free, and a second create answers by that', async () => {
    let caught = 0;
    for (let round = 1; round <= MAX_ROUNDS && caught === 0; round++) {
      const creates: Create[] = Array.from({ length: burst }, (_, i) => ({
        kind: i % 2 ? 'serial-number' : 'batch-number',
        value: `R${round}-${i % 2 ? 'SN' : 'LOT'}-${i}`,
        key: randomUUID(),
      }));
      const start = await events.headPosition();
      const first = creates.map((c) => create(c, c.key));

      // Kill the moment a claim is seen whose write is not (a tenth of the burst claimed or more: work is in flight).
      for (const deadline = Date.now() + 60_000; ;) {
        const seen = await events.readAll({ after: start, maxCount: 3 * burst, eventTypes: ['UniqueValueClaimed', 'BatchCreated', 'UnitCreated'] });
        const written = new Set(seen.map((e) => (e.data as { batchId?: string; unitId?: string }).batchId ?? (e.data as { unitId?: string }).unitId));
        const claimed = seen.filter((e) => e.type === 'UniqueValueClaimed');
        if (claimed.length >= burst / 10 && claimed.some((e) => !written.has((e.data as { ownerId: string }).ownerId))) break;
        if (Date.now() > deadline) throw new Error(`no claim without its write seen in 60 s (${claimed.length} of ${burst} claimed)`);
        await new Promise((r) => setImmediate(r)); // the requests of the burst go out from this process too
      }
      await cluster.kill('batch-service');
      const atKill = await Promise.all(creates.map(claimOf));
      const between = atKill.filter((s) => s.owner && s.created.length === 0).length;
      caught += between;
      process.stderr.write(`round ${round}: claimed ${atKill.filter((s) => s.owner).length}, written ${atKill.filter((s) => s.created.length).length}, between ${between}\n`);

      await cluster.restart('batch-service');
      // A create the kill cut short answers 503 (retry with the same Idempotency-Key), which is then its first answer.
      const answers = await Promise.all(
        first.map(async (pending, i) => {
          const deadline = Date.now() + SETTLE_MS;
          let res = await pending;
          while (res.status === 503 && Date.now() < deadline) res = await create(creates[i], creates[i].key);
          return res;
        }),
      );
      expect(answers.map((a) => a.status).filter((s) => s !== 200)).toEqual([]);

      for (const [i, c] of creates.entries()) {
        const { owner, claims, created } = await claimOf(c);
        // Never held by nothing: a held number's owner was written, exactly once, with that number.
        if (owner) {
          expect(created).toHaveLength(1);
          const data = created[0].data as { identifiers?: { number?: string }; serialNumber?: string };
          expect(c.kind === 'batch-number' ? data.identifiers?.number : data.serialNumber).toBe(c.value);
          expect(claims.filter((e) => e.type === 'UniqueValueClaimed')).toHaveLength(1);
          expect(answers[i].body.id).toBeDefined();
          expect((await read(c)).status).toBe(200);
        }
        // A second create with the number (another request): 409 in TofuPilot's shape while it is held, 200 when free.
        const again = await create(c, randomUUID());
        if (owner) {
          expect(again.status).toBe(409);
          expect(again.body).toEqual(dialectError('tofupilot', 409));
          expect(again.body.message).toMatch(/already exists/);
        } else {
          expect(again.status).toBe(200);
        }
      }
    }
    expect(caught).toBeGreaterThan(0);
  }, 900_000);
}
