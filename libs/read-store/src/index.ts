export * from './port';
export { InvalidNameError, InvalidQueryError } from './shared/errors';
export { openReadStore } from './open-read-store';
export { deleteBelow } from './delete-below';
