/**
 * The most bytes (UTF-8 JSON) the data of one event may take, by design. An event passes two limits: its append to
 * the event store (KurrentDB's `MaxAppendSize`, 1 MiB with its metadata) and, as the relay's JSON of it with its
 * envelope and headers, a message on the bus (Kafka's default `message.max.bytes`, 1,048,588). Both leave it 16 KiB
 * for those, whose fields are bounded (ids, a tenant of at most 40 characters, a correlation id of at most 128) to
 * about 2 KiB. Producers that cut work into chunks (bulk jobs, tasks) size each chunk's event under it; what cannot
 * be cut travels by reference to the blob store; the command handler refuses any other event above it.
 */
export const MAX_EVENT_DATA_BYTES = 1_008 * 1024;

/** A value's size as JSON in UTF-8: what the stores and the bus count, where a string's length counts UTF-16 units. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');
