export * from './port';
export { openEventStore } from './open-event-store';
export { SqliteEventStore, EventIdConflictError, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { EsdbEventStore } from './esdb/esdb-event-store';
