import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusCommandSender, CommandOutcomes } from '@batchyard/command-bus';
import { describeCommandSenderConformance } from './command-sender-conformance';
import { CommandEnvelopeSchema, StreamCategory, Topics } from '@batchyard/contracts';
import { SqliteEventStore } from '@batchyard/event-store';
import { EmbeddedBus } from '@batchyard/messaging';
import { openReadStore } from '@batchyard/read-store';
import { commandRoutes } from '../command-routes';
import { CommandHandler } from './command-handler';
import { InProcessCommandSender } from './in-process-sender';

/** The stores a sender's handler works against, in a directory of their own. */
async function stores() {
  const dir = mkdtempSync(join(tmpdir(), 'command-sender-'));
  const events = new SqliteEventStore(join(dir, 'events.sqlite'));
  const readStore = await openReadStore({ dataDir: dir });
  const close = async () => {
    await events.close();
    await readStore.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, events, readStore, close };
}

describeCommandSenderConformance('in process', async () => {
  const s = await stores();
  return { sender: InProcessCommandSender.over(s.events, s.readStore), close: s.close };
});

describeCommandSenderConformance('over the bus', async () => {
  const s = await stores();
  const bus = new EmbeddedBus(join(s.dir, 'bus.sqlite'));
  const outcomes = new CommandOutcomes(s.readStore);
  const handler = new CommandHandler(s.events, outcomes, commandRoutes);
  // The batch service's command consumer, as CommandsController does it: parse the envelope, handle it.
  const topic = Topics.commands(StreamCategory.tenant);
  await bus.ensureTopics([{ name: topic }]);
  const consumption = await bus.consume({
    groupId: 'command-sender-conformance',
    topics: [topic],
    handler: async (message) => void (await handler.handle(CommandEnvelopeSchema.parse(JSON.parse(message.value)))),
  });
  return {
    sender: new BusCommandSender(bus, outcomes),
    close: async () => {
      await consumption.stop();
      await bus.close();
      await s.close();
    },
  };
});
