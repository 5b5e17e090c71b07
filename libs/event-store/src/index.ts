export * from './port';
export { MAX_APPEND_BYTES, appendBytes } from './append-size';
export { openEventStore } from './open-event-store';
export { SqliteEventStore, EventIdConflictError, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { EsdbEventStore, UnsupportedServerError, type EsdbEventStoreOptions } from './esdb/esdb-event-store';
