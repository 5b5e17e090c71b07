export * from './signed-url';
