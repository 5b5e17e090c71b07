import { z } from 'zod';
import { RoleSchema } from '../events/tenant-events';

export const ActorSchema = z.object({ keyId: z.string(), name: z.string(), role: RoleSchema });
export type Actor = z.infer<typeof ActorSchema>;

/** A command on the bus: its id makes redelivery and client retries harmless. */
export const CommandEnvelopeSchema = z.object({
  commandId: z.string(),
  type: z.string(),
  tenant: z.string(),
  /** The aggregate's id within its tenant; the bus key. */
  aggregateId: z.string(),
  correlationId: z.string(),
  causationId: z.string(),
  issuedAt: z.string(),
  actor: ActorSchema,
  data: z.unknown(),
});
export type CommandEnvelope<T = unknown> = Omit<z.infer<typeof CommandEnvelopeSchema>, 'data'> & { data: T };

/** `limited`: a tenant limit (a quota) is used up. `too_large`: the events a command would append weigh more than the event store takes in one append. */
export const DomainErrorCodes = ['invalid', 'not_found', 'conflict', 'forbidden', 'limited', 'too_large'] as const;
export type DomainErrorCode = (typeof DomainErrorCodes)[number];

/** What a command handler decided, kept by command id so the gateway (and a redelivery) can read it. */
export type CommandOutcome =
  | {
      commandId: string;
      status: 'accepted';
      /** Global position of the last event appended (0 when the command changed nothing). */
      position: number;
      result?: Record<string, unknown>;
    }
  | {
      commandId: string;
      status: 'rejected';
      error: { code: DomainErrorCode; message: string; field?: string };
    };
