export * from './app-processes';
export * from './batchyard-under-test';
export * from './http';
export * from './metrics';
export * from './tenants';
export * from './tiers';
export * from './rebuild-check';
export * from './tasks';
