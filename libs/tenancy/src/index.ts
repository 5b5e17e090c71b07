export * from './tenant-admin';
export * from './bootstrap-key';
