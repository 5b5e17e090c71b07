// A child process of the SQLite multi-process test: it appends through the real adapter to a file
// that sibling processes write at the same time. It runs under plain Node, so it compiles the
// TypeScript sources it requires with swc (the compiler jest uses) through Node's module hooks,
// which keeps the test independent of a prior `npm run build`.
const { randomUUID } = require('node:crypto');
require('../../../../tools/test-support/src/register-typescript.js');
const { SqliteEventStore } = require('../sqlite/sqlite-event-store.ts');

const [file, writer, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
const event = (data) => ({
  eventId: randomUUID(),
  type: 'MultiProcessWritten',
  version: 1,
  tenant: 't',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date().toISOString(),
  data: { writer, ...data },
});

async function main() {
  const store = new SqliteEventStore(file);
  let conflicts = 0;
  for (let round = 0; round < rounds; round++) {
    // Its own stream, at exact revisions.
    const own = Array.from({ length: 10 }, (_, k) => event({ round, k }));
    await store.append(`own-${writer}`, own, round === 0 ? 'no_stream' : round * 10 - 1);
    // A stream every writer appends to without expectations: revisions are given out inside the transaction.
    await store.append(
      'shared-any',
      Array.from({ length: 5 }, (_, k) => event({ round, k })),
      'any',
    );
    // A stream every writer appends to optimistically: read the revision, append, retry on conflict.
    for (;;) {
      const history = await store.readStream('shared-expected');
      const expected = history.length ? history[history.length - 1].revision : 'no_stream';
      try {
        await store.append('shared-expected', [event({ round })], expected);
        break;
      } catch (error) {
        if (error.name !== 'WrongExpectedRevisionError') throw error;
        conflicts++;
      }
    }
  }
  await store.close();
  process.stdout.write(JSON.stringify({ writer, conflicts }));
}

main().catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
