export * from './metrics';
export * from './correlation';
