import { Command } from 'commander';
import { ReadStoreDeadLetters, type Infrastructure } from '@batchyard/runtime';
import { nonNegativeInteger } from './arguments';
import { redriveDeadLetters } from './dead-letters';

interface Selection {
  group?: string;
  topic?: string;
}

export function deadLetterCommands(infra: Infrastructure): Command {
  const dlq = new Command('dlq').description('dead-lettered messages');
  const deadLetters = async () => new ReadStoreDeadLetters(await infra.readStore());
  dlq
    .command('list')
    .description('dead letters, oldest first, with their error')
    .option('--group <groupId>', 'only those of one consumer group')
    .option('--topic <topic>', 'only those of one topic')
    .option('--limit <n>', 'at most this many', nonNegativeInteger, 100)
    .option('--json', 'one JSON object per line, with value, headers and stack')
    .action(async (opts: Selection & { limit: number; json?: boolean }) => {
      const entries = await (await deadLetters()).list({ groupId: opts.group, topic: opts.topic, limit: opts.limit });
      if (opts.json) return entries.forEach((e) => console.log(JSON.stringify(e)));
      for (const e of entries) console.log(`${e.id}\t${e.deadLetteredAt}\tattempts=${e.attempts}\tkey=${e.key}\t${e.error}`);
      if (!entries.length) console.log('no dead letters');
    });
  dlq
    .command('redrive [ids...]')
    .description('publish dead letters to their original topics again and remove them from the list')
    .option('--all', 'every dead letter (narrowed by --group, --topic)')
    .option('--group <groupId>', 'with --all: only those of one consumer group')
    .option('--topic <topic>', 'with --all: only those of one topic')
    .action(async (ids: string[], opts: Selection & { all?: boolean }) => {
      if (Boolean(ids.length) === Boolean(opts.all)) throw new Error('give dead-letter ids or --all');
      const which = opts.all ? { groupId: opts.group, topic: opts.topic } : { ids };
      const sent = await redriveDeadLetters(await infra.bus(), await deadLetters(), which);
      console.log(`${sent.length} dead letter(s) redriven`);
    });
  return dlq;
}
