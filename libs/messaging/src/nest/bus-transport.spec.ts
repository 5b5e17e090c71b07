import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import { EmbeddedBus } from '../embedded/embedded-bus';
import { KafkaBus } from '../kafka/kafka-bus';
import type { IncomingMessage, MessageBus } from '../port';
import { DeadLetterHeaders, deadLetterTopic, type DeadLetter } from '../reliable/dead-letters';
import { kafkaTier } from '../testing/kafka-tier';
import { eventually, uniqueName } from '../testing/message-bus-conformance';
import { BusClient } from './bus-client';
import { BusContext } from './bus-context';
import { BusExceptionFilter } from './bus-exception-filter';
import { BusTransport } from './bus-transport';

interface Seen {
  payload: unknown;
  message: IncomingMessage;
}

/** A tiny app: one topic whose handler records, one whose handler's observable fails. */
function appModule(topics: { ok: string; failing: string }, seen: Seen[]) {
  @Controller()
  class EventsController {
    @EventPattern(topics.ok)
    async ok(@Payload() payload: unknown, @Ctx() context: BusContext) {
      seen.push({ payload, message: context.getMessage() });
    }

    @EventPattern(topics.failing)
    failing(@Payload() payload: { n: number }): Observable<never> {
      return throwError(() => new Error(`cannot take ${payload.n}`));
    }
  }
  @Module({ controllers: [EventsController] })
  class EventsModule {}
  return EventsModule;
}

function describeBusTransport(name: string, open: () => Promise<MessageBus>) {
  describe(`BusTransport and BusClient: ${name}`, () => {
    let bus: MessageBus;
    let app: INestMicroservice;
    const topics = { ok: uniqueName('nest-ok'), failing: uniqueName('nest-failing') };
    const seen: Seen[] = [];
    const sink: DeadLetter[] = [];

    beforeAll(async () => {
      bus = await open();
      app = await NestFactory.createMicroservice(appModule(topics, seen), {
        strategy: new BusTransport({
          bus,
          groupId: uniqueName('nest'),
          retries: 1,
          backoff: { baseMs: 10 },
          deadLetters: { record: async (entry) => void sink.push(entry) },
        }),
        logger: false,
      });
      app.useGlobalFilters(new BusExceptionFilter());
      await app.listen();
    });
    afterAll(async () => {
      await app?.close();
      await bus?.close();
    });

    it('runs an @EventPattern handler for what a BusClient emits, keyed by the payload', async () => {
      const client = new BusClient({ bus });
      await lastValueFrom(client.emit(topics.ok, { key: 'batch-1', n: 1 }), { defaultValue: undefined });
      await eventually(() => seen.length === 1, 'the handler');
      expect(seen[0].payload).toEqual({ key: 'batch-1', n: 1 });
      expect(seen[0].message).toMatchObject({ topic: topics.ok, key: 'batch-1' });
    });

    it("dead-letters a message whose handler's observable fails, with the handler's own error", async () => {
      const dlq: IncomingMessage[] = [];
      const reader = await bus.consume({
        groupId: uniqueName('dlq-reader'),
        topics: [deadLetterTopic(topics.failing)],
        handler: async (m) => void dlq.push(m),
      });
      await bus.publish([{ topic: topics.failing, key: 'k', value: JSON.stringify({ n: 7 }) }]);
      await eventually(() => sink.length === 1 && dlq.length === 1, 'the dead letter');
      await reader.stop();
      expect(sink[0]).toMatchObject({ topic: topics.failing, error: 'cannot take 7', attempts: 2 });
      expect(dlq[0].headers[DeadLetterHeaders.error]).toBe('cannot take 7');
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'batchyard-nest-bus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeBusTransport('embedded', async () => new EmbeddedBus(join(dir, 'bus.sqlite')));

const tier = kafkaTier();
(tier ? describe : describe.skip)('Kafka tier', () => {
  describeBusTransport('Kafka', () => KafkaBus.open({ ...tier!, clientId: uniqueName('nest') }));
});

describe('BusTransport', () => {
  it('refuses request/reply handlers, which the bus does not offer', async () => {
    @Controller()
    class RequestController {
      @MessagePattern('ask')
      answer() {
        return 42;
      }
    }
    @Module({ controllers: [RequestController] })
    class RequestModule {}
    const bus = new EmbeddedBus(join(dir, 'refused.sqlite'));
    const app = await NestFactory.createMicroservice(RequestModule, {
      strategy: new BusTransport({ bus, groupId: 'g', deadLetters: { record: async () => undefined } }),
      logger: false,
    });
    await expect(app.listen()).rejects.toThrow(/no request\/reply.*ask/);
    await app.close();
    await bus.close();
  });
});
