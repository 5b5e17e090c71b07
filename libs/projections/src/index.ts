export * from './checkpoints';
export * from './leases';
export * from './checkpointed-processor';
export * from './projection-definition';
export * from './projection-runner';
export * from './processor-control';
export * from './projection-rebuild';
