// What app tests use of another app: apps import no other app (only the launcher and the test support may).
export { adminSender } from '../../../apps/ops/src/admin-sender';
export { requestReplay } from '../../../apps/ops/src/projections';
export { asyncApiDocument } from '../../../apps/gateway/src/ops/asyncapi';
export { startEventConsumer } from '../../../examples/consumer/batch-events-consumer';
