export * from './command-envelope';
export * from './command-outcomes';
export * from './command-sender';
