export * from './payload';
export * from './resource-schemas';
export * from './row-validation';
export * from './limits';
export * from './chunks';
