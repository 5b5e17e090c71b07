export * from './signature';
export * from './webhook-store';
export * from './delivery-target';
export * from './webhook-delivery';
