export * from './config';
export * from './logger';
export * from './infrastructure';
export * from './running-app';
export * from './dead-letter-store';
export * from './health';
export * from './process-metrics';
export * from './worker-thread';
