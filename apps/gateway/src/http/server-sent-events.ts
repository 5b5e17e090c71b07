import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';

/** One reading of what a stream watches: the event's data, and whether it is the last one. */
export interface Reading {
  data: unknown;
  ended: boolean;
}

/** How often a stream reads its source again, and how long it may stay silent before a comment keeps proxies from closing it. */
const READ_EVERY_MS = 250;
const KEEP_ALIVE_MS = 15_000;

/**
 * Server-sent events (`text/event-stream`) of something the read models hold: the gateway has no change feed of its
 * own, so each stream reads its source every 250 ms and sends an event only when the data changed (`progress`), then
 * `end` once it says so. One loop per open stream, on the server, instead of each browser polling. Streams end when
 * the gateway shuts down, so they do not hold its close for the grace period.
 */
@Injectable()
export class ServerSentEvents implements OnModuleDestroy {
  private readonly closing = new AbortController();

  onModuleDestroy(): void {
    this.closing.abort();
  }

  async stream(req: Request, res: Response, read: () => Promise<Reading>): Promise<void> {
    res.status(200).set({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    const gone = new AbortController();
    const stop = () => gone.abort();
    req.on('close', stop);
    this.closing.signal.addEventListener('abort', stop, { once: true });
    let last: string | undefined;
    let lastWrite = Date.now();
    try {
      while (!gone.signal.aborted) {
        const { data, ended } = await read();
        const json = JSON.stringify(data);
        if (json !== last || ended) {
          res.write(`event: ${ended ? 'end' : 'progress'}\ndata: ${json}\n\n`);
          last = json;
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite >= KEEP_ALIVE_MS) {
          res.write(': still watching\n\n');
          lastWrite = Date.now();
        }
        if (ended) break;
        await pause(READ_EVERY_MS, gone.signal);
      }
    } catch (error) {
      // Headers are sent: the failure can only be told as an event.
      res.write(`event: error\ndata: ${JSON.stringify({ message: (error as Error).message })}\n\n`);
    } finally {
      req.off('close', stop);
      this.closing.signal.removeEventListener('abort', stop);
      res.end();
    }
  }
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
