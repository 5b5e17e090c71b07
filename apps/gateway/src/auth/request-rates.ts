import { Inject, Injectable } from '@nestjs/common';
import type { Infrastructure } from '@batchyard/runtime';
import { ApiError } from '../http/api-error';
import { INFRASTRUCTURE } from '../tokens';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept before the full ones (keys idle long enough to have refilled) are dropped. */
const SWEEP_ABOVE = 10_000;

/**
 * A token bucket per API key (`BATCHYARD_LIMIT_REQUESTS_PER_SECOND`, `BATCHYARD_LIMIT_REQUEST_BURST`), held in this
 * gateway's memory: each gateway of a distributed installation keeps its own, so N gateways behind a balancer let
 * a key through at up to N times the rate, and a restarted gateway starts every key full (docs/operations.md).
 */
@Injectable()
export class RequestRates {
  private readonly buckets = new Map<string, Bucket>();

  constructor(@Inject(INFRASTRUCTURE) private readonly infra: Infrastructure) {}

  /** Takes one request from the key's bucket, or refuses with 429 and the seconds until the next one fits. */
  take(keyId: string, now = Date.now()): void {
    const { rate, burst } = this.limits();
    if (!rate) return;
    const bucket = refilled(this.buckets.get(keyId), now, rate, burst);
    if (bucket.tokens < 1) {
      this.buckets.set(keyId, bucket);
      throw ApiError.tooManyRequests(`This API key is limited to ${rate} requests per second (bursts of ${burst}); retry later`, (1 - bucket.tokens) / rate);
    }
    this.buckets.set(keyId, { tokens: bucket.tokens - 1, at: now });
    if (this.buckets.size > SWEEP_ABOVE) {
      for (const [id, b] of this.buckets) if (refilled(b, now, rate, burst).tokens >= burst) this.buckets.delete(id);
    }
  }

  /** Read on every request, so a configuration changed in place applies at once. */
  private limits() {
    const { requestsPerSecond, requestBurst } = this.infra.config.limits;
    return { rate: requestsPerSecond, burst: Math.max(1, requestBurst || requestsPerSecond) };
  }
}

function refilled(bucket: Bucket | undefined, now: number, rate: number, burst: number): Bucket {
  if (!bucket) return { tokens: burst, at: now };
  return { tokens: Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate), at: now };
}
