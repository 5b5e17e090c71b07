import { randomUUID } from 'node:crypto';
import type { ConsumeOptions, Consumption, IncomingMessage } from '../port';
import { handleByKey } from '../shared/handle-by-key';
import { REDELIVERY_DELAY_MS } from '../shared/redelivery';
import { sleep } from '../shared/sleep';
import type { BusDatabase, StoredMessage } from './bus-database';
import { nextSignal, signal } from './change-signal';

export interface GroupTimings {
  /** How often a member renews its registration and leases, and rebalances. */
  heartbeatMs: number;
  /** How long a member's leases outlive its last heartbeat: how soon a crashed member's partitions move. */
  leaseTtlMs: number;
}

export interface GroupChannels {
  /** The channel signalled when messages may have been published to a partition. */
  messages: (topic: string, partition: number) => string;
  /** Signalled when this group's members or leases changed in this process. */
  group: string;
}

interface PartitionWorker {
  stop: AbortController;
  done: Promise<void>;
}

const READ_BATCH = 100;
/** A fallback only: publishes wake idle workers through the channels. */
const IDLE_WAIT_MS = 1000;

/**
 * One `consume()` call on the embedded log: a member of its consumer group. Each member registers
 * per topic with an expiry; the live members, in a stable order, split each topic's partitions
 * round-robin, and a member consumes a partition only while it holds that partition's lease. A
 * member hands a partition over after its current message is committed; a crashed member's leases
 * expire. Commits check the lease, so a member that lost one never moves the group's offset.
 */
export class GroupMember implements Consumption {
  private readonly id = randomUUID();
  private readonly workers = new Map<string, PartitionWorker>();
  private readonly stopping = new AbortController();
  private balancing?: Promise<void>;
  private stopped?: Promise<void>;

  constructor(
    private readonly db: BusDatabase,
    private readonly channels: GroupChannels,
    private readonly options: ConsumeOptions,
    private readonly timings: GroupTimings,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Joins and takes the partitions free for this member now; the others follow as their owners let go. */
  start(): void {
    this.balance();
    signal(this.channels.group);
    this.balancing = this.keepBalancing();
  }

  stop(): Promise<void> {
    this.stopped ??= this.leave();
    return this.stopped;
  }

  private async leave(): Promise<void> {
    this.stopping.abort();
    await this.balancing;
    const workers = [...this.workers.values()];
    for (const worker of workers) worker.stop.abort();
    await Promise.all(workers.map((worker) => worker.done));
    this.db.leaveGroup(this.options.groupId, this.id);
    signal(this.channels.group);
  }

  private async keepBalancing(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      await nextSignal(this.channels.group, this.timings.heartbeatMs, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      try {
        this.balance();
      } catch (error) {
        // A busy or failing store: leases may lapse, and commits then refuse; the next heartbeat retries.
        this.onError(error);
      }
    }
  }

  private balance(): void {
    const { groupId, topics } = this.options;
    const now = Date.now();
    const expiresAt = now + this.timings.leaseTtlMs;
    const { gained, lost } = this.db.transaction(() => {
      const gained: { topic: string; partition: number }[] = [];
      const lost: PartitionWorker[] = [];
      for (const topic of topics) {
        const members = this.db.heartbeat(groupId, topic, this.id, now, expiresAt);
        const index = members.indexOf(this.id);
        const partitions = this.db.partitionCount(topic);
        for (let partition = 0; partition < partitions; partition++) {
          const wanted = partition % members.length === index;
          const worker = this.workers.get(workerKey(topic, partition));
          if (!wanted && !worker) continue;
          // Held partitions are renewed while their worker finishes, wanted ones taken when free.
          const held = this.db.acquireLease(groupId, topic, partition, this.id, now, expiresAt);
          if (worker && (!held || !wanted)) lost.push(worker);
          if (held && wanted && !worker) {
            if (this.options.fromBeginning === false) this.db.startAtEnd(groupId, topic, partition);
            gained.push({ topic, partition });
          }
        }
      }
      return { gained, lost };
    });
    for (const worker of lost) worker.stop.abort();
    for (const { topic, partition } of gained) this.startWorker(topic, partition);
  }

  private startWorker(topic: string, partition: number): void {
    const key = workerKey(topic, partition);
    const stop = new AbortController();
    const done = this.consumePartition(topic, partition, stop.signal)
      .catch(this.onError)
      .finally(() => {
        this.workers.delete(key);
        // A busy store must not leave the lease held until it expires.
        try {
          this.db.releaseLease(this.options.groupId, topic, partition, this.id);
        } catch (error) {
          this.onError(error);
        }
        signal(this.channels.group);
      });
    this.workers.set(key, { stop, done });
  }

  private async consumePartition(topic: string, partition: number, stop: AbortSignal): Promise<void> {
    const { groupId, handler, keysInParallel = 1 } = this.options;
    const handleOne = async (stored: StoredMessage) => {
      try {
        await handler(incoming(topic, partition, stored));
        return true;
      } catch {
        // Not committed: read again from this message.
        await sleep(REDELIVERY_DELAY_MS, stop);
        return false;
      }
    };
    // One key at a time, each message is committed as soon as it is handled; several, the batch's handled prefix.
    const stepSize = keysInParallel > 1 ? READ_BATCH : 1;
    let next = this.db.committedOffset(groupId, topic, partition) ?? 0;
    while (!stop.aborted) {
      const batch = this.db.read(topic, partition, next, READ_BATCH);
      if (batch.length === 0) await nextSignal(this.channels.messages(topic, partition), IDLE_WAIT_MS, stop);
      for (let start = 0; start < batch.length && !stop.aborted;) {
        const messages = batch.slice(start, start + stepSize);
        const handled = await handleByKey(messages, keysInParallel, handleOne, () => stop.aborted);
        if (handled === 0) break;
        // Refused when another member took the lease over: it goes on from the last commit.
        if (!this.db.commit(groupId, topic, partition, this.id, messages[handled - 1].offset + 1)) return;
        next = messages[handled - 1].offset + 1;
        if (handled < messages.length) break;
        start += handled;
      }
    }
  }
}

function workerKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function incoming(topic: string, partition: number, stored: StoredMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: String(stored.offset),
    key: stored.key,
    value: stored.value,
    headers: JSON.parse(stored.headers),
  };
}
