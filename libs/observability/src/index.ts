export * from './metrics';
export * from './correlation';
export * from './kafka-consumer-lag';
