import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { INSTALLATION_STREAM, InstallationCreated } from '@batchyard/contracts';
import { WrongExpectedRevisionError, type EventStore } from '@batchyard/event-store';
import { Checkpoints } from '@batchyard/projections';
import { DuplicateKeyError, type Doc, type KeptStateStore } from '@batchyard/read-store';
import type { RuntimeConfig } from './config';

/**
 * Which event store a read store was built from. A read store holds positions of one event store (checkpoints,
 * command outcomes, every document's `_position`): read against another, read-your-writes returns before the
 * projection wrote, and the gateway answers 404 to writes that succeeded. So every process checks, when it opens the
 * read store, that it was built from the event store this process writes to.
 */
export interface InstallationStamp extends Doc {
  installationId: string;
  stampedAt: string;
  /** The read store had checkpoints but no stamp (built before stamps existed) and took this one over. */
  adopted?: boolean;
}

/** Beside the checkpoints, in a collection of its own so that listing checkpoints lists processors only. */
export const INSTALLATION_COLLECTION = '_installation';
const STAMP_ID = 'event-store';
/** What `ops read-store drop --installation` takes for a read store without a stamp. */
export const UNSTAMPED = 'none';

/**
 * The event store's identity: the `InstallationCreated` of its installation stream, appended by whichever process
 * reads the stream first and finds it empty. Two first starts at once both append with `no_stream`; one wins, the
 * other reads the winner's back.
 */
export async function eventStoreIdentity(events: EventStore): Promise<string> {
  const existing = await readIdentity(events);
  if (existing) return existing;
  const installationId = randomUUID();
  try {
    await events.append(
      INSTALLATION_STREAM,
      [
        {
          eventId: randomUUID(),
          type: InstallationCreated.type,
          version: InstallationCreated.version,
          tenant: '_shared',
          correlationId: installationId,
          causationId: installationId,
          occurredAt: new Date().toISOString(),
          data: InstallationCreated.schema.parse({ installationId }),
        },
      ],
      'no_stream',
    );
    return installationId;
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
    const winner = await readIdentity(events);
    if (!winner) throw error;
    return winner;
  }
}

async function readIdentity(events: EventStore): Promise<string | undefined> {
  const [first] = await events.readStream(INSTALLATION_STREAM, { maxCount: 1 });
  return first && InstallationCreated.schema.parse(first.data).installationId;
}

/** The stamp a read store keeps, if it has one. */
export function readStoreStamp(store: KeptStateStore): Promise<InstallationStamp | undefined> {
  return store.kept<InstallationStamp>(INSTALLATION_COLLECTION).get(STAMP_ID);
}

/** Where the stores are, as an operator names them (no credentials), and which setting moves the read store. */
export interface StoreLocations {
  eventStore: string;
  readStore: string;
  /** How this installation gets a read store of its own: `MONGO_URL`, or the data directory. */
  ownReadStore: string;
}

/** A read store of another installation (or of this one before its event store was replaced): the process stops. */
export class ForeignReadStoreError extends Error {
  readonly retriable = false;
  constructor(
    readonly readStoreInstallation: string,
    readonly eventStoreInstallation: string,
    where: StoreLocations,
    why: string,
  ) {
    super(
      [
        `Batchyard will not start: the read store (${where.readStore}) was built from another event store.`,
        `  ${why}; this installation's event store (${where.eventStore}) is installation ${eventStoreInstallation}.`,
        `  Its read models, checkpoints and command outcomes describe events this event store does not hold.`,
        `What to do:`,
        `  - If another installation uses this read store, give this one its own: ${where.ownReadStore}.`,
        `  - If it is this installation's own and the event store was replaced (restored, recreated), stop every`,
        `    process of this installation, drop the read store, and start again: the projections rebuild it from the events.`,
        `      npm run ops -- read-store drop --installation ${readStoreInstallation}`,
      ].join('\n'),
    );
    this.name = 'ForeignReadStoreError';
  }
}

export interface StampOptions {
  where: StoreLocations;
  /** The event store's last position: a legacy read store whose checkpoints are beyond it came from elsewhere. */
  headPosition: () => Promise<number>;
  /** Told when a legacy read store takes the stamp over. */
  onAdopted?: (installationId: string) => void;
}

/**
 * Verifies that `store` was built from the event store named `installationId`, stamping it first if it has no stamp:
 * an empty read store is this installation's from now on; one with checkpoints but no stamp (built before stamps
 * existed) adopts the identity once, unless a checkpoint is beyond the event store's last position. Two processes
 * stamping at once insert the same `_id`: one wins and the other compares with the winner.
 */
export async function verifyReadStoreStamp(store: KeptStateStore, installationId: string, options: StampOptions): Promise<void> {
  const stamps = store.kept<InstallationStamp>(INSTALLATION_COLLECTION);
  let stamp = await readStoreStamp(store);
  if (!stamp) {
    const checkpoints = await new Checkpoints(store).all();
    const furthest = Math.max(0, ...checkpoints.map((c) => c.position));
    const head = checkpoints.length ? await options.headPosition() : 0;
    if (furthest > head) {
      const why = `It has no stamp (built before stamps), and its checkpoints reach position ${furthest}, beyond the event store's last (${head})`;
      throw new ForeignReadStoreError(UNSTAMPED, installationId, options.where, why);
    }
    const candidate: InstallationStamp = { _id: STAMP_ID, installationId, stampedAt: new Date().toISOString(), ...(checkpoints.length && { adopted: true }) };
    try {
      await stamps.insert(candidate);
      if (candidate.adopted) options.onAdopted?.(installationId);
      return;
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      stamp = (await stamps.get(STAMP_ID))!;
    }
  }
  if (stamp.installationId !== installationId) {
    throw new ForeignReadStoreError(stamp.installationId, installationId, options.where, `It belongs to installation ${stamp.installationId}`);
  }
}

/** Where this configuration's stores are, with any credentials of their URLs left out. */
export function storeLocations(config: Pick<RuntimeConfig, 'dataDir' | 'eventStoreUrl' | 'mongoUrl'>): StoreLocations {
  const withoutCredentials = (url: string) => url.replace(/\/\/[^/@]*@/, '//');
  return {
    eventStore: config.eventStoreUrl ? `EventStoreDB ${withoutCredentials(config.eventStoreUrl)}` : `SQLite ${path.join(config.dataDir, 'events.sqlite')}`,
    readStore: config.mongoUrl ? `MongoDB ${withoutCredentials(config.mongoUrl)}` : `SQLite ${path.join(config.dataDir, 'read')}`,
    ownReadStore: config.mongoUrl
      ? 'point MONGO_URL at a database of its own'
      : `start it on a BATCHYARD_DATA_DIR of its own (its read store is the directory read/ beside events.sqlite)`,
  };
}
