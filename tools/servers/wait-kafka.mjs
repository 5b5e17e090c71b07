// Waits until a Kafka broker is usable: a kafkajs admin describeCluster() answers, the group coordinator is up
// and an idempotent producer gets its producer id. Exit 0 when it is, 1 on timeout, 2 as soon as the watched
// process dies. Usage: node wait-kafka.mjs <host:port> [budget seconds] [pid]
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const [brokers = '127.0.0.1:9092', budgetS = '90', pid] = process.argv.slice(2);
const deadline = Date.now() + Number(budgetS) * 1000;
// Short timeouts, no retries inside kafkajs and its connection errors silenced: this loop is the retry.
const kafka = new Kafka({
  clientId: 'batchyard-wait',
  brokers: brokers.split(','),
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 2000,
  retry: { retries: 0 },
});

let lastError = 'no attempt';
while (Date.now() < deadline) {
  if (pid && !alive(Number(pid))) {
    console.error(`kafka: process ${pid} exited before the broker was ready`);
    process.exit(2);
  }
  const admin = kafka.admin();
  // kafkajs refuses an idempotent producer without retries; one quick retry is enough here.
  const producer = kafka.producer({ idempotent: true, retry: { retries: 1, initialRetryTime: 100 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null) throw new Error('no broker or controller yet');
    // Warm the group coordinator (creates __consumer_offsets) and the producer-id manager now, so a test's
    // first consumer group or idempotent producer does not meet "The coordinator is loading" retries.
    await admin.describeGroups(['batchyard-wait']);
    await producer.connect();
    process.exit(0);
  } catch (error) {
    lastError = error.message;
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.error(`kafka: not ready at ${brokers} after ${budgetS} s (last error: ${lastError})`);
process.exit(1);

function alive(p) {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
}
