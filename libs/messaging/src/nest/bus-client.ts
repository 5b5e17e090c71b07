import { randomUUID } from 'node:crypto';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { MessageBus } from '../port';

export interface BusClientOptions {
  bus: MessageBus;
  /** The message key (the partitioning key) of a payload; by default its `key` field, else its `id`. */
  keyOf?: (topic: string, payload: unknown) => string;
}

/**
 * A Nest client whose `emit(topic, payload)` publishes the payload as JSON through the bus port.
 * The bus is opened and closed by its owner, not by the client.
 */
export class BusClient extends ClientProxy {
  constructor(private readonly options: BusClientOptions) {
    super();
  }

  async connect(): Promise<void> {
    // The bus is open already.
  }

  async close(): Promise<void> {
    // The bus belongs to whoever opened it.
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('the bus offers no request/reply: emit events instead'), isDisposed: true });
    return () => undefined;
  }

  protected async dispatchEvent<T = undefined>(packet: ReadPacket): Promise<T> {
    const topic = this.normalizePattern(packet.pattern);
    const key = (this.options.keyOf ?? keyOfPayload)(topic, packet.data);
    await this.options.bus.publish([{ topic, key, value: JSON.stringify(packet.data) }]);
    return undefined as T;
  }
}

function keyOfPayload(_topic: string, payload: unknown): string {
  const fields = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  for (const field of ['key', 'id']) {
    if (typeof fields[field] === 'string' && fields[field]) return fields[field];
  }
  // Without a key there is no order to keep.
  return randomUUID();
}
