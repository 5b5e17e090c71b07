import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Consumption, IncomingMessage, MessageBus } from '../port';
import { consumeReliably, type HandlerFailure, type ReliableConsumeOptions } from '../reliable/consume-reliably';
import { describeError } from '../shared/describe-error';
import { BusContext } from './bus-context';

/** The transport's id, for `@EventPattern(topic, BUS_TRANSPORT)` in an app with several transports. */
export const BUS_TRANSPORT = Symbol('batchyard-bus');

export interface BusTransportOptions extends Omit<ReliableConsumeOptions, 'topics' | 'handler' | 'onFailure'> {
  bus: MessageBus;
}

/**
 * A NestJS transport over the bus port, so the same `@EventPattern('<topic>')` handlers run on the
 * embedded bus and on Kafka. Every event pattern is a topic, consumed in one consumer group through
 * `consumeReliably`: a handler's returned promise or observable is awaited, and an error retries the
 * message and finally dead-letters it. Payloads are JSON. Request/reply (`@MessagePattern`) is not
 * offered: commands are emitted and their outcomes awaited elsewhere.
 *
 * Register `BusExceptionFilter` globally, or dead letters carry Nest's generic error instead of the cause.
 */
export class BusTransport extends Server implements CustomTransportStrategy {
  override transportId = BUS_TRANSPORT;
  private consumption?: Consumption;

  constructor(private readonly options: BusTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const requestPatterns = [...this.messageHandlers].filter(([, handler]) => !handler.isEventHandler).map(([pattern]) => pattern);
      if (requestPatterns.length) {
        throw new Error(`the bus offers no request/reply; use @EventPattern for: ${requestPatterns.join(', ')}`);
      }
      const topics = [...this.messageHandlers.keys()];
      if (topics.length) {
        const { bus, ...reliable } = this.options;
        this.consumption = await consumeReliably(bus, {
          ...reliable,
          topics,
          handler: (message) => this.deliver(message),
          onFailure: (failure) => this.report(failure),
        });
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.consumption?.stop();
    this.consumption = undefined;
  }

  on(): never {
    throw new Error('BusTransport has no status events to listen to');
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  private async deliver(message: IncomingMessage): Promise<void> {
    // Every consumed topic is a registered pattern.
    const handler = this.getHandlerByPattern(message.topic)!;
    const context = new BusContext([message]);
    const payload: unknown = JSON.parse(message.value);
    await this.onProcessingStartHook(this.transportId, context, async () => {
      const result = await handler(payload, context);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
      this.onProcessingEndHook?.(this.transportId, context);
    });
  }

  private report({ message, error, attempt, deadLetter }: HandlerFailure): void {
    const where = `${message.topic} partition ${message.partition} offset ${message.offset}`;
    if (deadLetter) {
      this.logger.error(`${where}: dead-lettered after ${attempt} attempts: ${deadLetter.error}`, deadLetter.stack);
    } else {
      this.logger.warn(`${where}: attempt ${attempt} failed, retrying: ${describeError(error).text}`);
    }
  }
}
