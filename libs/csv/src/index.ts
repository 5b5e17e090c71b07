export * from './csv-cells';
