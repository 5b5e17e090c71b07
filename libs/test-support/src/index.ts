export * from './batchyard-under-test';
export * from './http';
export * from './tenants';
