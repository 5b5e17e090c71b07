// `npm run asyncapi`: regenerates docs/asyncapi.json from the event contracts (a test fails while it is stale).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { asyncApiDocument } from './asyncapi';

export const COMMITTED_ASYNCAPI = 'docs/asyncapi.json';
export const renderAsyncApi = () => `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;

if (require.main === module) {
  writeFileSync(path.resolve(COMMITTED_ASYNCAPI), renderAsyncApi());
  console.log(`wrote ${COMMITTED_ASYNCAPI}`);
}
