import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process: every app in it reports into the same `/metrics`. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'batchyard_process_' });

export const httpRequests = new Counter({
  name: 'batchyard_http_requests_total',
  help: 'HTTP requests answered by the gateway, by method, matched route and status.',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestSeconds = new Histogram({
  name: 'batchyard_http_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method and matched route.',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const commandSeconds = new Histogram({
  name: 'batchyard_command_duration_seconds',
  help: 'From sending a command to its read model reaching the write (read-your-writes), by command type and result.',
  labelNames: ['command', 'result'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export const projectionLag = new Gauge({
  name: 'batchyard_projection_lag_positions',
  help: 'Event-store positions between the furthest checkpoint (the relay follows the head) and a projection checkpoint.',
  labelNames: ['projection'] as const,
  registers: [metricsRegistry],
});

export const consumerLag = new Gauge({
  name: 'batchyard_consumer_lag_messages',
  help: 'Messages a consumer group has not committed yet, per topic and partition.',
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [metricsRegistry],
});

export const deadLetters = new Gauge({
  name: 'batchyard_dead_letters',
  help: 'Dead-lettered messages waiting for `ops dlq redrive`.',
  registers: [metricsRegistry],
});

export const workItems = new Counter({
  name: 'batchyard_work_items_total',
  help: 'Items the long-running workers have recorded (bulk-job rows per chunk, task items per chunk), by kind.',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const parkedEvents = new Gauge({
  name: 'batchyard_parked_events',
  help: 'Events a processor (a projection, the relay) parked or holds, waiting for `ops parked retry|skip`.',
  labelNames: ['processor'] as const,
  registers: [metricsRegistry],
});

export const processorStalled = new Gauge({
  name: 'batchyard_processor_stalled',
  help: '1 while a processor cannot advance because a store it needs fails, 0 otherwise.',
  labelNames: ['processor'] as const,
  registers: [metricsRegistry],
});

export const consumerDeadLetters = new Gauge({
  name: 'batchyard_consumer_dead_letters',
  help: 'Dead-lettered messages of a consumer group waiting for `ops dlq redrive`.',
  labelNames: ['group'] as const,
  registers: [metricsRegistry],
});

export const foreignEventsSkipped = new Counter({
  name: 'batchyard_foreign_events_skipped_total',
  help: 'Events without a Batchyard envelope (written to KurrentDB by another client) that reads skipped; each read counts its own.',
  registers: [metricsRegistry],
});
