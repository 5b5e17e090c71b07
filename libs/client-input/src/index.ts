export * from './client-keys';
export * from './json-shape';
