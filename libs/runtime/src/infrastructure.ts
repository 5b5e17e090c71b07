import { openBlobStore, type BlobStore } from '@batchyard/blob-store';
import { openEventStore, type EventStore } from '@batchyard/event-store';
import { openMessageBus, type MessageBus } from '@batchyard/messaging';
import { openReadStore, type ReadStore } from '@batchyard/read-store';
import { describeAdapters, type RuntimeConfig } from './config';
import { eventStoreIdentity, storeLocations, verifyReadStoreStamp } from './installation-identity';
import { rootLogger, type Logger } from './logger';
import { namespacedBus } from './namespaced-bus';
import { Roster } from './processors';

/**
 * The ports of one process, each opened on first use, so an app touches only what it needs (the
 * gateway never opens the event store) and apps sharing a process share one connection each.
 */
export class Infrastructure {
  readonly logger: Logger;
  /** The processors and consumer groups this process runs, for `/health`. */
  readonly roster = new Roster();
  private readonly opened = new Map<string, Promise<{ close(): Promise<void> }>>();

  constructor(readonly config: RuntimeConfig) {
    this.logger = rootLogger(config.logLevel);
  }

  get adapters() {
    return describeAdapters(this.config);
  }

  events(): Promise<EventStore> {
    return this.open('events', () => this.openEvents());
  }

  /**
   * The read store, once it is known to be built from this installation's event store: every process (and the ops
   * tool) checks here, so none starts on another installation's read store (installation-identity.ts).
   */
  readStore(): Promise<ReadStore> {
    return this.open('readStore', async () => {
      const store = await openReadStore({ dataDir: this.config.dataDir, mongoUrl: this.config.mongoUrl });
      try {
        await verifyReadStoreStamp(store, await this.withEvents(eventStoreIdentity), {
          where: storeLocations(this.config),
          headPosition: () => this.withEvents((events) => events.headPosition()),
          onAdopted: (installationId) =>
            this.logger.warn({ installationId }, "the read store had checkpoints but no installation stamp (built before stamps): it takes this event store's"),
        });
      } catch (error) {
        await store.close();
        throw error;
      }
      return store;
    });
  }

  bus(): Promise<MessageBus> {
    return this.open('bus', async () =>
      namespacedBus(await openMessageBus({ dataDir: this.config.dataDir, kafkaBrokers: this.config.kafkaBrokers, clientId: `batchyard-${process.pid}` }), this.config.namespace),
    );
  }

  blobs(): Promise<BlobStore> {
    return this.open('blobs', () => openBlobStore({ dataDir: this.config.dataDir, mongoUrl: this.config.mongoUrl }));
  }

  /** Which ports this process has opened, for /health. */
  openedPorts(): string[] {
    return [...this.opened.keys()];
  }

  async close(): Promise<void> {
    const all = [...this.opened.values()];
    this.opened.clear();
    for (const port of all) await (await port).close().catch(() => undefined);
  }

  private openEvents(): Promise<EventStore> {
    return openEventStore({ dataDir: this.config.dataDir, url: this.config.eventStoreUrl });
  }

  /** Through the process's event store when it opened one; else (the gateway) on a connection of its own, closed after. */
  private async withEvents<T>(use: (events: EventStore) => Promise<T>): Promise<T> {
    const opened = this.opened.get('events') as Promise<EventStore> | undefined;
    if (opened) return use(await opened);
    const events = await this.openEvents();
    try {
      return await use(events);
    } finally {
      await events.close();
    }
  }

  private open<T extends { close(): Promise<void> }>(name: string, factory: () => Promise<T>): Promise<T> {
    let port = this.opened.get(name);
    if (!port) {
      port = factory();
      this.opened.set(name, port);
      port.catch(() => this.opened.delete(name));
    }
    return port as Promise<T>;
  }
}
