export * from './tenant-admin';
export * from './bootstrap-key';
export * from './short-domains';
