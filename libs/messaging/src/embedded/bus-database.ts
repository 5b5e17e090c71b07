import { DatabaseSync } from 'node:sqlite';
import { openSharedDatabase } from '@batchyard/sqlite';
import type { PartitionLag } from '../port';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS partitions (
    topic       TEXT    NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (topic, partition)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS messages (
    id           INTEGER PRIMARY KEY,
    topic        TEXT    NOT NULL,
    partition    INTEGER NOT NULL,
    offset       INTEGER NOT NULL,
    key          TEXT    NOT NULL,
    value        TEXT    NOT NULL,
    headers      TEXT    NOT NULL,
    published_at INTEGER NOT NULL,
    UNIQUE (topic, partition, offset)
  );
  CREATE TABLE IF NOT EXISTS group_offsets (
    group_id    TEXT    NOT NULL,
    topic       TEXT    NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS group_members (
    group_id   TEXT    NOT NULL,
    topic      TEXT    NOT NULL,
    member     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic, member)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS partition_leases (
    group_id   TEXT    NOT NULL,
    topic      TEXT    NOT NULL,
    partition  INTEGER NOT NULL,
    owner      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
  ) WITHOUT ROWID`;

export interface StoredMessage {
  offset: number;
  key: string;
  value: string;
  headers: string;
}

/**
 * The tables of the embedded log in one SQLite file, shared by the processes of one machine: WAL
 * mode, a busy timeout so a writer waits for another process's transaction instead of failing, and
 * `BEGIN IMMEDIATE` for every transaction that reads before it writes.
 *
 * Offsets come from a counter per partition, never from the messages present, so retention never
 * hands out an offset twice.
 */
export class BusDatabase {
  private readonly db: DatabaseSync;
  private readonly sql: ReturnType<typeof prepareStatements>;
  /** A topic's partition count never changes once created. */
  private readonly partitionCounts = new Map<string, number>();

  constructor(file: string) {
    this.db = openSharedDatabase(file);
    this.db.exec(`BEGIN IMMEDIATE; ${SCHEMA}; COMMIT;`);
    this.sql = prepareStatements(this.db);
  }

  /** Runs `work` (synchronous, so nothing else of this process interleaves) in one write transaction. */
  transaction<T>(work: () => T): T {
    this.sql.begin.run();
    try {
      const result = work();
      this.sql.commit.run();
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.sql.rollback.run();
      throw error;
    }
  }

  /** The topic's partition count, creating it with `partitions` if no process has yet. */
  ensureTopic(topic: string, partitions: number): number {
    const known = this.partitionCount(topic);
    if (known) return known;
    // Checked again inside the write lock: the first process to create a topic fixes its count.
    const count = this.transaction(() => {
      const existing = Number(this.sql.partitionCount.get(topic)!.count);
      if (existing) return existing;
      for (let p = 0; p < partitions; p++) this.sql.insertPartition.run(topic, p);
      return partitions;
    });
    this.partitionCounts.set(topic, count);
    return count;
  }

  /** 0 for a topic no process has created. */
  partitionCount(topic: string): number {
    const known = this.partitionCounts.get(topic);
    if (known) return known;
    const count = Number(this.sql.partitionCount.get(topic)!.count);
    if (count) this.partitionCounts.set(topic, count);
    return count;
  }

  append(topic: string, partition: number, key: string, value: string, headers: string, now: number): void {
    const { offset } = this.sql.takeOffset.get(topic, partition) as { offset: number };
    this.sql.insertMessage.run(topic, partition, offset, key, value, headers, now);
  }

  read(topic: string, partition: number, fromOffset: number, limit: number): StoredMessage[] {
    return this.sql.read.all(topic, partition, fromOffset, limit) as unknown as StoredMessage[];
  }

  committedOffset(groupId: string, topic: string, partition: number): number | undefined {
    return this.sql.committed.get(groupId, topic, partition)?.next_offset as number | undefined;
  }

  /** Commits only while `owner` holds the partition's lease; false if another member took it over. */
  commit(groupId: string, topic: string, partition: number, owner: string, nextOffset: number): boolean {
    return this.sql.commitOffset.run(groupId, topic, partition, nextOffset, groupId, topic, partition, owner).changes > 0;
  }

  /** A group that has no committed offset on the partition starts after what it holds now. */
  startAtEnd(groupId: string, topic: string, partition: number): void {
    this.sql.startAtEnd.run(groupId, topic, partition);
  }

  /** Renews the member's registration and answers the live members subscribed to the topic, in a stable order. */
  heartbeat(groupId: string, topic: string, member: string, now: number, expiresAt: number): string[] {
    this.sql.upsertMember.run(groupId, topic, member, expiresAt);
    this.sql.deleteExpiredMembers.run(groupId, now);
    return (this.sql.liveMembers.all(groupId, topic) as { member: string }[]).map((row) => row.member);
  }

  /** Takes or renews the lease; false while another owner's lease is live. */
  acquireLease(groupId: string, topic: string, partition: number, owner: string, now: number, expiresAt: number): boolean {
    return this.sql.acquireLease.run(groupId, topic, partition, owner, expiresAt, now).changes > 0;
  }

  releaseLease(groupId: string, topic: string, partition: number, owner: string): void {
    this.sql.releaseLease.run(groupId, topic, partition, owner);
  }

  leaveGroup(groupId: string, member: string): void {
    this.transaction(() => {
      this.sql.deleteMember.run(groupId, member);
      this.sql.releaseLeasesOf.run(groupId, member);
    });
  }

  /** Every partition of every topic a group has joined or committed on, for groups whose id starts with `groupPrefix`. */
  lag(groupPrefix: string): PartitionLag[] {
    return this.sql.lag.all(groupPrefix) as unknown as PartitionLag[];
  }

  /** Changes whenever another connection commits: how consumers notice other processes' publishes. */
  dataVersion(): number {
    return Number(this.sql.dataVersion.get()!.data_version);
  }

  prune(publishedBefore: number): void {
    this.sql.prune.run(publishedBefore);
  }

  close(): void {
    this.db.close();
  }
}

function prepareStatements(db: DatabaseSync) {
  const prepare = (sql: string) => db.prepare(sql);
  return {
    begin: prepare('BEGIN IMMEDIATE'),
    commit: prepare('COMMIT'),
    rollback: prepare('ROLLBACK'),
    partitionCount: prepare('SELECT COUNT(*) AS count FROM partitions WHERE topic = ?'),
    insertPartition: prepare('INSERT INTO partitions (topic, partition) VALUES (?, ?)'),
    takeOffset: prepare(`UPDATE partitions SET next_offset = next_offset + 1
      WHERE topic = ? AND partition = ? RETURNING next_offset - 1 AS offset`),
    insertMessage: prepare(`INSERT INTO messages (topic, partition, offset, key, value, headers, published_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    read: prepare(`SELECT offset, key, value, headers FROM messages
      WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?`),
    committed: prepare('SELECT next_offset FROM group_offsets WHERE group_id = ? AND topic = ? AND partition = ?'),
    // One statement, so the lease check and the write cannot be separated by another process's takeover.
    commitOffset: prepare(`INSERT INTO group_offsets (group_id, topic, partition, next_offset)
      SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM partition_leases
        WHERE group_id = ? AND topic = ? AND partition = ? AND owner = ?)
      ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = excluded.next_offset`),
    startAtEnd: prepare(`INSERT OR IGNORE INTO group_offsets (group_id, topic, partition, next_offset)
      SELECT ?1, topic, partition, next_offset FROM partitions WHERE topic = ?2 AND partition = ?3`),
    upsertMember: prepare(`INSERT INTO group_members (group_id, topic, member, expires_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (group_id, topic, member) DO UPDATE SET expires_at = excluded.expires_at`),
    deleteExpiredMembers: prepare('DELETE FROM group_members WHERE group_id = ? AND expires_at <= ?'),
    liveMembers: prepare('SELECT member FROM group_members WHERE group_id = ? AND topic = ? ORDER BY member'),
    deleteMember: prepare('DELETE FROM group_members WHERE group_id = ? AND member = ?'),
    acquireLease: prepare(`INSERT INTO partition_leases (group_id, topic, partition, owner, expires_at)
      VALUES (?1, ?2, ?3, ?4, ?5)
      ON CONFLICT (group_id, topic, partition) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
      WHERE partition_leases.owner = excluded.owner OR partition_leases.expires_at <= ?6`),
    releaseLease: prepare('DELETE FROM partition_leases WHERE group_id = ? AND topic = ? AND partition = ? AND owner = ?'),
    releaseLeasesOf: prepare('DELETE FROM partition_leases WHERE group_id = ? AND owner = ?'),
    // Like Kafka's: a partition the group never committed on lags by every offset it has handed out.
    lag: prepare(`SELECT g.group_id AS groupId, p.topic, p.partition, MAX(0, p.next_offset - COALESCE(o.next_offset, 0)) AS lag
      FROM (SELECT group_id, topic FROM group_offsets UNION SELECT group_id, topic FROM group_members) g
      JOIN partitions p ON p.topic = g.topic
      LEFT JOIN group_offsets o ON (o.group_id, o.topic, o.partition) = (g.group_id, p.topic, p.partition)
      WHERE substr(g.group_id, 1, length(?1)) = ?1
      ORDER BY g.group_id, p.topic, p.partition`),
    dataVersion: prepare('PRAGMA data_version'),
    prune: prepare('DELETE FROM messages WHERE published_at < ?'),
  };
}
