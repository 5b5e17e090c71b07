export * from './envelope';
export * from './event-definition';
export * from './streams';
export * from './topics';
export * from './ids';
export * from './events';
export * from './commands/command-envelope';
export * from './commands/command-definitions';
