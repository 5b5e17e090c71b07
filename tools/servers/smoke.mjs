// Hand check of the running servers: kafkajs produce/consume round trip, mongodb insert/find/index/aggregate.
// Usage: eval "$(tools/servers/servers.sh env)" && node --no-warnings tools/servers/smoke.mjs
import kafkajs from 'kafkajs';
import { MongoClient } from 'mongodb';

const { Kafka, logLevel } = kafkajs;
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const mongoUrl = process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017/batchyard';
const ms = (t) => `${(performance.now() - t).toFixed(0)} ms`;

async function kafkaCheck() {
  const kafka = new Kafka({ clientId: 'batchyard-smoke', brokers, logLevel: logLevel.WARN });
  const topic = `smoke-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  let t = performance.now();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  console.log(`kafka: topic created in ${ms(t)}`);
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true });
  await producer.connect();
  t = performance.now();
  const n = 1000;
  await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  console.log(`kafka: ${n} messages sent (idempotent, acks -1) in ${ms(t)}`);
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `smoke-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  t = performance.now();
  let seen = 0;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kafka: only ${seen}/${n} messages consumed in 30 s`)), 30_000);
    consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) if (m.value.toString() !== `v${Number(m.offset)}`) reject(new Error(`bad message at ${m.offset}`));
        seen += batch.messages.length;
        if (seen >= n) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  console.log(`kafka: group joined and ${seen} messages consumed in ${ms(t)}`);
  await consumer.disconnect();
}

async function mongoCheck() {
  const client = new MongoClient(mongoUrl);
  await client.connect();
  const hello = await client.db('admin').command({ isMaster: 1 });
  console.log(`mongo: maxWireVersion ${hello.maxWireVersion}`);
  const col = client.db().collection(`smoke_${Date.now()}`);
  await col.createIndex({ sku: 1 }, { unique: true });
  let t = performance.now();
  const docs = Array.from({ length: 2000 }, (_, i) => ({ _id: `d${i}`, sku: `s${i}`, lot: i % 10 }));
  await col.insertMany(docs);
  console.log(`mongo: 2000 inserted in ${ms(t)}`);
  const one = await col.findOne({ _id: 'd42' });
  if (one?.sku !== 's42') throw new Error('mongo: findOne by _id returned the wrong document');
  const dup = await col.insertOne({ _id: 'x', sku: 's1' }).then(
    () => null,
    (e) => e.code,
  );
  if (dup !== 11000) throw new Error(`mongo: expected E11000 on a unique index, got ${dup}`);
  t = performance.now();
  const groups = await col.aggregate([{ $match: { lot: { $lt: 3 } } }, { $group: { _id: '$lot', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
  if (groups.length !== 3 || groups.some((g) => g.n !== 200)) throw new Error(`mongo: bad aggregate ${JSON.stringify(groups)}`);
  console.log(`mongo: findOne, unique index (E11000), $match/$group ok; aggregate ${ms(t)}`);
  await col.drop();
  await client.close();
}

const t0 = performance.now();
await kafkaCheck();
await mongoCheck();
console.log(`smoke ok in ${ms(t0)}`);
