// Waits until a MongoDB-wire server answers a driver ping: exit 0 when it does, 1 on timeout,
// 2 as soon as the watched process dies. Usage: node wait-mongo.mjs <mongodb url> [budget seconds] [pid]
import { MongoClient } from 'mongodb';

const [url = 'mongodb://127.0.0.1:27017/batchyard', budgetS = '30', pid] = process.argv.slice(2);
const deadline = Date.now() + Number(budgetS) * 1000;

let lastError = 'no attempt';
while (Date.now() < deadline) {
  if (pid && !alive(Number(pid))) {
    console.error(`mongo: process ${pid} exited before the server was ready`);
    process.exit(2);
  }
  // A new client per attempt: a refused first connection must not poison the topology.
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.connect();
    await client.db().command({ ping: 1 });
    await client.close();
    process.exit(0);
  } catch (error) {
    // The driver's own version check (wire version too low) is final, not a reason to wait.
    lastError = error.message;
    if (/wire version/i.test(lastError)) break;
  } finally {
    await client.close().catch(() => {});
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.error(`mongo: not ready at ${url} (budget ${budgetS} s; last error: ${lastError})`);
process.exit(1);

function alive(p) {
  try {
    process.kill(p, 0);
    return true;
  } catch {
    return false;
  }
}
