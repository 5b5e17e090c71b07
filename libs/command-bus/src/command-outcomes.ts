import { EventEmitter } from 'node:events';
import type { CommandOutcome } from '@batchyard/contracts';
import { deleteBelow, type Doc, type IndexSpec, type KeptStateStore } from '@batchyard/read-store';

interface OutcomeDoc extends Doc {
  outcome: CommandOutcome;
  recordedAt: string;
}

const COLLECTION = '_command_outcomes';
const BY_RECORD_TIME: IndexSpec = { name: 'recordedAt', fields: [['recordedAt', 1]] };

/**
 * How long an outcome is kept: as long as the bus keeps the command (Kafka's default retention and the embedded
 * bus's, 7 days), so a command delivered again, whenever that happens, is answered from its outcome instead of being
 * decided again. Well beyond the Idempotency-Key's day, after which a client's retry still sends the same command id.
 */
export const COMMAND_OUTCOME_RETENTION_MS = 7 * 24 * 3600_000;

/** Same-process wake-ups, so an embedded gateway does not wait for its next poll. */
const local = new EventEmitter().setMaxListeners(0);

/** Outcomes by command id: the gateway waits on them, and a redelivered command answers from them. */
export class CommandOutcomes {
  constructor(private readonly store: KeptStateStore) {}

  async get(commandId: string): Promise<CommandOutcome | undefined> {
    return (await this.store.kept<OutcomeDoc>(COLLECTION).get(commandId))?.outcome;
  }

  async record(outcome: CommandOutcome): Promise<void> {
    await this.store.kept(COLLECTION).bulkWrite([{ kind: 'put', id: outcome.commandId, doc: { outcome, recordedAt: new Date().toISOString() } }]);
    local.emit(outcome.commandId, outcome);
  }

  /** Deletes the outcomes recorded more than the retention before `now`. */
  async prune(now = Date.now()): Promise<number> {
    const outcomes = this.store.kept(COLLECTION);
    await outcomes.ensureIndexes([BY_RECORD_TIME]);
    return deleteBelow(outcomes, 'recordedAt', new Date(now - COMMAND_OUTCOME_RETENTION_MS).toISOString());
  }

  /** Resolves with the outcome once recorded (here or by another process), or undefined after the timeout. */
  async waitFor(commandId: string, timeoutMs: number): Promise<CommandOutcome | undefined> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let pollMs = 5;
      const finish = (outcome: CommandOutcome | undefined) => {
        local.off(commandId, finish);
        clearTimeout(timer);
        resolve(outcome);
      };
      const poll = async () => {
        try {
          const outcome = await this.get(commandId);
          if (outcome) return finish(outcome);
        } catch (error) {
          local.off(commandId, finish);
          return reject(error);
        }
        if (Date.now() >= deadline) return finish(undefined);
        pollMs = Math.min(pollMs * 2, 50);
        timer = setTimeout(poll, pollMs);
      };
      local.on(commandId, finish);
      void poll();
    });
  }
}
