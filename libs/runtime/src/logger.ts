import pino, { type Logger } from 'pino';

/** Structured JSON logs on stdout; one root logger per process, children per app. */
let root: Logger | undefined;

export function rootLogger(level = process.env.LOG_LEVEL || 'info'): Logger {
  root ??= pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
  return root;
}

export type { Logger };
