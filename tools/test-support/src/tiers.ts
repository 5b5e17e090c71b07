import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { RuntimeConfig } from '@batchyard/runtime';

/**
 * The real-server tier of a suite: the overrides that point an installation at real Kafka and the
 * MongoDB wire protocol (a fresh namespace and database per call), or undefined when the environment
 * has no servers. A suite that cannot run says so loudly and registers as skipped.
 */
export function distributedOverrides(): Partial<RuntimeConfig> | undefined {
  const brokers = process.env.KAFKA_BROKERS;
  const mongo = process.env.MONGO_URL;
  if (!brokers || !mongo) return undefined;
  const id = `t${randomBytes(4).toString('hex')}`;
  const url = new URL(mongo);
  url.pathname = `/batchyard_${id}`;
  return { kafkaBrokers: brokers.split(','), mongoUrl: url.toString(), namespace: id };
}

/**
 * Drops the database a test installation used: the Mongo-wire server keeps every database in its heap, and a suite's
 * worth of them left it collecting garbage without pause.
 */
export async function dropTestDatabase(mongoUrl: string | undefined): Promise<void> {
  if (!mongoUrl) return;
  const client = await MongoClient.connect(mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/**
 * Real Kafka with the embedded SQLite stores (a fresh namespace per call), or undefined without a broker: the tier
 * of suites too large for mongo-java-server, which keeps every document in its heap and answers far slower than
 * MongoDB (a million Thngs would take it most of a CI run). Kafka alone is a valid installation: the stores follow their URLs.
 */
export function kafkaOverrides(): Partial<RuntimeConfig> | undefined {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) return undefined;
  return { kafkaBrokers: brokers.split(','), namespace: `t${randomBytes(4).toString('hex')}` };
}

/** As environment variables, for apps started as their own processes. */
export function overridesAsEnv(overrides: Partial<RuntimeConfig>): NodeJS.ProcessEnv {
  return {
    ...(overrides.kafkaBrokers && { KAFKA_BROKERS: overrides.kafkaBrokers.join(',') }),
    ...(overrides.mongoUrl && { MONGO_URL: overrides.mongoUrl }),
    ...(overrides.namespace && { BATCHYARD_NAMESPACE: overrides.namespace }),
  };
}

export function describeTier(name: string, runs: boolean, why: string, body: () => void): void {
  if (runs) return describe(name, body);
  // stderr, not console.warn: jest drops console output of a file whose tests all skip.
  process.stderr.write(`\n  ***** ${name}: NOT RUN — ${why} *****\n\n`);
  describe.skip(`${name} (NOT RUN: ${why})`, body);
}

export const NO_SERVERS = 'KAFKA_BROKERS and MONGO_URL are not set (.ci/run starts a real broker and a Mongo-wire server)';

/** The consumer session timeout and heartbeat of crash tests over Kafka (decisions.md): a killed member's partitions move within seconds. */
export const QUICK_REBALANCE: NodeJS.ProcessEnv = { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_MS: '500' };

/**
 * A crash test in both tiers: each app as its own process on embedded stores, and over Kafka + MongoDB wire
 * with the session timeout tuned down (decisions.md), so a killed consumer's partitions move within seconds.
 */
export function describeProcessTiers<Size>(name: string, sizes: { embedded: Size; distributed: Size }, body: (serverEnv: NodeJS.ProcessEnv, size: Size) => void): void {
  describe(`${name} (embedded stores)`, () => body({}, sizes.embedded));
  const distributed = distributedOverrides();
  describeTier(`${name} (Kafka + MongoDB wire)`, Boolean(distributed), NO_SERVERS, () => body({ ...overridesAsEnv(distributed ?? {}), ...QUICK_REBALANCE }, sizes.distributed));
}
