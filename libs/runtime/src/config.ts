import path from 'node:path';
import { loadTenantLimits, type TenantLimits } from './tenant-limits';

/** Everything the apps read from the environment; adapters are chosen here, by URLs, never by code edits. */
export interface RuntimeConfig {
  dataDir: string;
  port: number;
  /** `/metrics` and `/health` of the process, apart from the API's port; unset → its first app's default port (launch.ts). */
  metricsPort?: number;
  /** Absolute base for Link headers, file and signed URLs; default: the request's own scheme and host. */
  publicUrl?: string;
  /** esdb:// or kurrentdb:// → EventStoreDB; unset → SQLite under dataDir. */
  eventStoreUrl?: string;
  /** Kafka brokers → Kafka; unset → the durable in-process bus under dataDir. */
  kafkaBrokers?: string[];
  /** mongodb:// → MongoDB read models and GridFS; unset → SQLite and files under dataDir. */
  mongoUrl?: string;
  /** Prefix of Kafka topics and consumer groups, so installations can share a cluster. */
  namespace?: string;
  bootstrapKey?: string;
  signingSecret?: string;
  logLevel: string;
  /** Webhook deliveries may reach loopback and private addresses (`BATCHYARD_WEBHOOKS_ALLOW_PRIVATE=true`; tests). */
  webhooksAllowPrivate?: boolean;
  /** An endpoint failing this long is disabled (`BATCHYARD_WEBHOOKS_DISABLE_AFTER_MS`; default 3 days). */
  webhooksDisableAfterMs?: number;
  /** What one tenant may use (`BATCHYARD_LIMIT_*`). */
  limits: TenantLimits;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const brokers = env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  return {
    dataDir: path.resolve(env.BATCHYARD_DATA_DIR || 'data'),
    port: Number(env.PORT || 3000),
    metricsPort: env.METRICS_PORT ? Number(env.METRICS_PORT) : undefined,
    publicUrl: env.BATCHYARD_PUBLIC_URL?.replace(/\/+$/, '') || undefined,
    eventStoreUrl: env.EVENTSTORE_URL || undefined,
    kafkaBrokers: brokers?.length ? brokers : undefined,
    mongoUrl: env.MONGO_URL || undefined,
    namespace: env.BATCHYARD_NAMESPACE || undefined,
    bootstrapKey: env.BATCHYARD_BOOTSTRAP_KEY || undefined,
    signingSecret: env.BATCHYARD_SIGNING_SECRET || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    webhooksAllowPrivate: env.BATCHYARD_WEBHOOKS_ALLOW_PRIVATE === 'true',
    webhooksDisableAfterMs: positiveMs(env, 'BATCHYARD_WEBHOOKS_DISABLE_AFTER_MS'),
    limits: loadTenantLimits(env),
  };
}

/** A positive whole number of milliseconds, or unset; anything else stops the start with its name. */
function positiveMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw new Error(`${name} must be a positive number of milliseconds, not '${value}'`);
  return Number(value);
}

/** What each port runs on, for /health and the start-up log. */
export function describeAdapters(config: RuntimeConfig) {
  return {
    eventStore: config.eventStoreUrl ? 'eventstoredb' : 'sqlite',
    bus: config.kafkaBrokers ? 'kafka' : 'embedded',
    readStore: config.mongoUrl ? 'mongodb' : 'sqlite',
    blobStore: config.mongoUrl ? 'gridfs' : 'files',
  } as const;
}
