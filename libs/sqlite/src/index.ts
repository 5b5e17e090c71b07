export * from './shared-database';
