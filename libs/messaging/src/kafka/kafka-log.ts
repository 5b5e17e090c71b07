import { logLevel, type logCreator } from 'kafkajs';

/**
 * kafkajs logs only what needs attention (the bus is configured at WARN), one line each, to stderr.
 * Error responses logged by a connection are left out: kafkajs retries or surfaces every one of
 * them (a rebalance, an existing topic, a loading coordinator), and logs again when that fails.
 * So is the warning that the idempotent producer's retries are bounded: a publish that fails is
 * sent again, and every consumer handles a repeated message as it did the first.
 */
export const kafkaLogCreator: logCreator =
  () =>
  ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
    if (namespace === 'Connection' && message.startsWith('Response ')) return;
    if (namespace === 'Producer' && message.startsWith('Limiting retries for the idempotent producer')) return;
    const details = Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : '';
    const line = `[kafkajs] ${namespace}: ${message}${details}`;
    if (level === logLevel.ERROR) console.error(line);
    else console.warn(line);
  };
