import { Command } from 'commander';
import { Leases } from '@batchyard/projections';
import { Projections } from '@batchyard/read-models';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { INSTALLATION_COLLECTION, UNSTAMPED, readStoreStamp, type Infrastructure } from '@batchyard/runtime';

export function readStoreCommands(infra: Infrastructure): Command {
  const readStore = new Command('read-store').description('the read store as a whole');
  readStore
    .command('drop')
    .description(
      'drop every collection of the read store (read models, checkpoints, command outcomes, dead letters, parked events, its installation stamp): the next start rebuilds it from the event store. Refused while a process runs on it',
    )
    .requiredOption('--installation <id>', `the installation the read store belongs to, as the refusal to start names it (${UNSTAMPED}: a read store without a stamp)`)
    .action(async (opts: { installation: string }) => {
      // Opened without the installation check, which is what refused it.
      const store = await openReadStore({ dataDir: infra.config.dataDir, mongoUrl: infra.config.mongoUrl });
      try {
        console.log(`read store dropped: ${await dropReadStore(store, opts.installation)} collection(s); start the installation to rebuild it`);
      } finally {
        await store.close();
      }
    });
  return readStore;
}

/**
 * Drops everything the read store holds, once it is known to be the one meant (its stamp names `installation`) and
 * idle (no live lease: another installation that still runs on it keeps it). The stamp goes last, so a drop cut
 * short can be run again with the same id.
 */
async function dropReadStore(store: ReadStore, installation: string): Promise<number> {
  const stamped = (await readStoreStamp(store))?.installationId ?? UNSTAMPED;
  if (stamped !== installation) throw new Error(`the read store belongs to installation ${stamped}, not ${installation}: nothing dropped`);
  const live = await new Leases(store).live();
  if (live.length) {
    const held = live.map((lease) => lease._id).join(', ');
    throw new Error(`processes run on this read store (leases held: ${held}): stop every process that uses it first; nothing dropped`);
  }
  const collections = (await store.listCollections()).filter((name) => name !== INSTALLATION_COLLECTION);
  for (const name of collections) await store.drop(name);
  // Logical names back to themselves, as in a new read store: the targets of rebuilt generations named dropped collections.
  for (const { name } of Projections.flatMap((p) => p.collections)) await store.setTarget(name, name);
  await store.drop(INSTALLATION_COLLECTION);
  return collections.length + 1;
}
