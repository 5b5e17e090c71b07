export { createEventRelay, eventMessage } from './event-relay';
