import { redirectTarget, redirectionIdOf } from '@batchyard/contracts';
import { redirectionDocId, type ManagedRedirectionDoc, type RedirectionDoc } from '@batchyard/read-models';
import type { Collection, Doc, KeptStateStore, ReadStore } from '@batchyard/read-store';

/** One redirection as its readers see it, whoever made it (a task, or the redirections API). */
export interface Redirection {
  tenant: string;
  redirectionId: string;
  shortDomain: string;
  shortId: string;
  /** Target template: `{shortId}` and `{evrythngId}` are replaced at redirect time. */
  url: string;
  thngId?: string;
  taskId?: string;
  createdAt: number;
  updatedAt: number;
  /** Whether the redirections API holds it (its stream has events): a task-made one not yet changed does not. */
  managed: boolean;
}

/** Where a redirection sends a visitor. */
export const targetOf = (r: Redirection): string => redirectTarget(r.url, r.thngId ?? '', r.shortId);

/**
 * The two collections a redirection is in: `redirections` (a task's, written by the tasks projection from its chunk
 * events) and `managed_redirections` (the redirections API's, which wins: it holds a task-made one changed since).
 * Both keyed `<shortDomain>/<shortId>`, so a short URL takes one read of each.
 */
export class RedirectionReads {
  constructor(private readonly readStore: ReadStore) {}

  private get made(): Collection<RedirectionDoc> {
    return this.readStore.collection<RedirectionDoc>('redirections');
  }

  private get managed(): Collection<ManagedRedirectionDoc> {
    return this.readStore.collection<ManagedRedirectionDoc>('managed_redirections');
  }

  /** The redirection of a short URL, of any tenant (the 307 route's question). */
  async ofShortUrl(shortDomain: string, shortId: string): Promise<Redirection | undefined> {
    const id = redirectionDocId(shortDomain, shortId);
    const [managed, made] = await Promise.all([this.managed.get(id), this.made.get(id)]);
    return merged(managed, made);
  }

  /** The tenant's redirection of a short URL; another tenant's is none. */
  async ofTenant(tenant: string, shortDomain: string, shortId: string): Promise<Redirection | undefined> {
    const found = await this.ofShortUrl(shortDomain, shortId);
    return found?.tenant === tenant ? found : undefined;
  }

  /** A Thng's redirections, newest first. */
  async ofThng(tenant: string, thngId: string): Promise<Redirection[]> {
    const [managed, made] = await Promise.all([this.managed.find({ tenant, thngId }, { limit: 100 }), this.made.find({ tenant, thngId }, { limit: 100 })]);
    // A task-made one may have been changed (moved to another Thng, deleted) since: its managed document decides.
    const overrides = new Map((await this.managed.getMany(made.map((d) => d._id))).map((d) => [d._id, d]));
    const all = [...managed.map((m) => merged(m, undefined)), ...made.filter((d) => !overrides.has(d._id)).map((d) => merged(undefined, d))];
    return all.filter((r): r is Redirection => r !== undefined && r.tenant === tenant && r.thngId === thngId).sort((a, b) => b.createdAt - a.createdAt);
  }
}

function merged(managed: ManagedRedirectionDoc | undefined, made: RedirectionDoc | undefined): Redirection | undefined {
  if (managed) {
    if (managed.deleted || managed.url === undefined) return undefined;
    const { tenant, redirectionId, shortDomain, shortId, url, thngId, updatedAt } = managed;
    // No createdAt: a task's, changed since, whose creation is the task's. With one: the API made it (again).
    const taskId = managed.taskId ?? (managed.createdAt === undefined ? made?.taskId : undefined);
    return {
      tenant,
      redirectionId,
      shortDomain,
      shortId,
      url,
      thngId,
      ...(taskId && { taskId }),
      createdAt: managed.createdAt ?? made?.createdAt ?? updatedAt,
      updatedAt,
      managed: true,
    };
  }
  if (!made) return undefined;
  const { tenant, shortDomain, shortId, target, thngId, taskId, createdAt } = made;
  return { tenant, redirectionId: redirectionIdOf(shortDomain, shortId), shortDomain, shortId, url: target, thngId, taskId, createdAt, updatedAt: createdAt, managed: false };
}

interface HitsDoc extends Doc {
  hits: number;
}

/**
 * Redirection hit counts, in the kept state (`_redirection_hits`, keyed like the redirections): a count is not an
 * event (a visit changes no redirection, and a popular label would fill its stream with one event per scan), and no
 * rebuild may reset it. The 307 only adds one to a counter in memory; the counts are written at most every
 * `flushMs` (default 1 s) as one bulk write of increments, and on shutdown. So a redirect costs no write and no wait,
 * a read on this gateway adds what it holds unwritten, and one on another gateway may be up to `flushMs` behind.
 * A process killed outright loses at most its unwritten second of hits.
 */
export class RedirectionHits {
  private pending = new Map<string, number>();
  /** The counts being written: still counted by `of` until the write is done. */
  private inFlight = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly kept: KeptStateStore,
    private readonly flushMs = 1000,
  ) {}

  private get counts() {
    return this.kept.kept<HitsDoc>('_redirection_hits');
  }

  hit(shortDomain: string, shortId: string): void {
    const id = redirectionDocId(shortDomain, shortId);
    this.pending.set(id, (this.pending.get(id) ?? 0) + 1);
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
  }

  async of(shortDomain: string, shortId: string): Promise<number> {
    const id = redirectionDocId(shortDomain, shortId);
    const doc = await this.counts.get(id);
    return (doc?.hits ?? 0) + (this.inFlight.get(id) ?? 0) + (this.pending.get(id) ?? 0);
  }

  /** A deleted redirection's count goes with it: one created again starts at 0. */
  async forget(shortDomain: string, shortId: string): Promise<void> {
    const id = redirectionDocId(shortDomain, shortId);
    this.pending.delete(id);
    await this.flushing;
    this.pending.delete(id);
    await this.counts.bulkWrite([{ kind: 'delete', id }]);
  }

  /** Writes the counts held so far, one write after the other; a failed write keeps them for the next. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const previous = this.flushing;
    const next = (async () => {
      await previous;
      if (!this.pending.size) return;
      const batch = this.pending;
      this.pending = new Map();
      this.inFlight = batch;
      try {
        await this.counts.bulkWrite([...batch].map(([id, n]) => ({ kind: 'patch' as const, id, inc: { hits: n }, upsert: true })));
      } catch {
        for (const [id, n] of batch) this.pending.set(id, (this.pending.get(id) ?? 0) + n);
        this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
      } finally {
        this.inFlight = new Map();
      }
    })();
    this.flushing = next;
    await next;
  }
}
