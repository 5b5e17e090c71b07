import { describeReadStoreConformance } from '../testing/read-store-conformance';
import { MongoReadStore } from './mongo-read-store';

const url = process.env.MONGO_URL;

if (url) {
  describeReadStoreConformance(`MongoDB (${url})`, () => MongoReadStore.open(url));
} else {
  // Straight to stderr: jest drops console output of a file whose tests all skip when it runs several files.
  process.stderr.write('\n!!!!!!!!!!\n!!! MongoDB tier NOT RUN: MONGO_URL is not set (.ci/run starts a Mongo-wire server)\n!!!!!!!!!!\n\n');
  describe.skip('ReadStore conformance: MongoDB (NOT RUN: MONGO_URL is not set)', () => {
    it('runs against a Mongo-wire server', () => undefined);
  });
}
