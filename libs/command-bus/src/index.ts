export * from './command-outcomes';
export * from './command-sender';
