// A child process of the embedded bus's multi-process tests, on the real adapter and the same file:
//   publish <file> <topic> <keys> <perKey>   publishes perKey messages for each key, a few per transaction
//   consume <file> <topic> <group> <leaseTtlMs> <handleMs>
//                                            consumes until killed, printing "handled <value>" after each handler
require('../../../../tools/test-support/src/register-typescript.js');
const { EmbeddedBus } = require('../embedded/embedded-bus.ts');

const [mode, file, topic, ...args] = process.argv.slice(2);

async function publish(keys, perKey) {
  const bus = new EmbeddedBus(file);
  for (let seq = 0; seq < perKey; seq++) {
    const messages = Array.from({ length: keys }, (_, k) => ({ topic, key: `key-${k}`, value: JSON.stringify({ key: `key-${k}`, seq }) }));
    await bus.publish(messages);
  }
  await bus.close();
}

async function consume(groupId, leaseTtlMs, handleMs) {
  const bus = new EmbeddedBus(file, { leaseTtlMs, heartbeatMs: leaseTtlMs / 4 });
  await bus.consume({
    groupId,
    topics: [topic],
    handler: async (message) => {
      await new Promise((resolve) => setTimeout(resolve, handleMs));
      process.stdout.write(`handled ${message.value}\n`);
    },
  });
  process.stdout.write('consuming\n');
}

const run = mode === 'publish' ? publish(Number(args[0]), Number(args[1])) : consume(args[0], Number(args[1]), Number(args[2]));
run.catch((error) => {
  process.stderr.write(String(error?.stack ?? error));
  process.exit(1);
});
