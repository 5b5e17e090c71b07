import { Inject, Injectable } from '@nestjs/common';
import { ReturnQuota, TakeQuota, quotaId, uuidFrom, type QuotaKind } from '@batchyard/contracts';
import type { Infrastructure, TenantLimits } from '@batchyard/runtime';
import type { Caller } from '../auth/caller';
import type { CommandGateway } from '../commands/command-gateway';
import { ApiError } from '../http/api-error';
import { COMMAND_GATEWAY, INFRASTRUCTURE } from '../tokens';

/** One share of a tenant limit: a task or job (amount 1), a file's content or an upload (its bytes). */
export interface QuotaShare {
  kind: QuotaKind;
  holder: string;
  amount: number;
}

/** What a refused take answers with when running tasks or jobs end: a guess, since none can say when that is. */
const PLACE_RETRY_AFTER_SECONDS = 5;

const LIMIT_OF: Record<QuotaKind, keyof TenantLimits> = { tasks: 'concurrentTasks', 'bulk-jobs': 'concurrentBulkJobs', 'stored-bytes': 'storedBytes' };

/**
 * The tenant limits that hold across requests, processes and restarts: concurrent tasks, concurrent bulk jobs and
 * stored bytes, each taken on the tenant's quota stream (an expected-revision append, so of two requests at once
 * only one gets the last place) before the work is queued, and given back by the worker or processor as it ends
 * (docs/operations.md, "Limits").
 */
@Injectable()
export class TenantQuotas {
  constructor(
    @Inject(COMMAND_GATEWAY) private readonly commands: CommandGateway,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
  ) {}

  /**
   * Runs `work` (the command that creates the task, job or file content) holding `shares`; a refused share is 429
   * (a place) or 413 (bytes), and nothing runs. If `work` is refused (4xx), the shares go back. Under an
   * Idempotency-Key the takes' command ids derive from the request's, so a retry finds its own shares.
   */
  async holding<T>(caller: Caller, shares: readonly QuotaShare[], requestCommandId: string | undefined, work: () => Promise<T>): Promise<T> {
    const taken: QuotaShare[] = [];
    try {
      for (const share of shares) {
        await this.take(caller, share, requestCommandId);
        taken.push(share);
      }
      return await work();
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) for (const share of taken.reverse()) await this.giveBack(caller, share.kind, share.holder);
      throw error;
    }
  }

  /** Gives a share back (a file deleted); giving back one not held changes nothing. */
  async giveBack(caller: Caller, kind: QuotaKind, holder: string): Promise<void> {
    if (!this.limit(kind)) return;
    await this.commands.execute(ReturnQuota, { kind, holder }, { caller, aggregateId: quotaId(kind), readModel: [] });
  }

  private limit(kind: QuotaKind): number {
    return this.infra.config.limits[LIMIT_OF[kind]];
  }

  private async take(caller: Caller, { kind, holder, amount }: QuotaShare, requestCommandId: string | undefined): Promise<void> {
    const limit = this.limit(kind);
    if (!limit) return;
    const commandId = requestCommandId && uuidFrom(`${requestCommandId}:quota:${kind}`);
    try {
      // Nothing reads the quota, so there is no read model to wait for.
      await this.commands.execute(TakeQuota, { kind, holder, amount, limit }, { caller, aggregateId: quotaId(kind), commandId, readModel: [] });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'TOO_MANY_REQUESTS')) throw error;
      throw refusal(kind, limit, amount);
    }
  }
}

function refusal(kind: QuotaKind, limit: number, amount: number): ApiError {
  switch (kind) {
    case 'tasks':
      return ApiError.tooManyRequests(`This account already has ${limit} tasks queued or running, its limit; retry when one has ended`, PLACE_RETRY_AFTER_SECONDS);
    case 'bulk-jobs':
      return ApiError.tooManyRequests(`This account already has ${limit} batches queued or processing, its limit; retry when one has ended`, PLACE_RETRY_AFTER_SECONDS);
    case 'stored-bytes':
      // Not 429: time alone frees no bytes, so a retry would fail the same way until files are deleted.
      return new ApiError('PAYLOAD_TOO_LARGE', `This account may store ${limit} bytes of files and uploads; ${amount} more do not fit`);
  }
}
