import { http, untilTaskEnded } from './http';

/** Creates a batch and runs an EVRYTHNG FIXED_AMOUNT task of `quantity` Thngs in it; answers the ended task. */
export async function runFixedAmountTask(url: string, key: string, quantity: number, timeoutMs = 30_000): Promise<any> {
  const auth = { authorization: key };
  const batch = await http(`${url}/batches`, { method: 'POST', headers: auth, body: { name: 'Lot with a task' } });
  const inputParameters = { type: 'FIXED_AMOUNT', generateThngs: true, generateRedirections: false, thngTemplate: { name: 'T' }, quantity };
  const created = await http(`${url}/batches/${batch.body.id}/tasks`, { method: 'POST', headers: auth, body: { type: 'POPULATING', inputParameters } });
  expect(created.status).toBe(202);
  return untilTaskEnded(url, new URL(created.headers.get('location')!, url).pathname, auth, Math.ceil(timeoutMs / 100));
}
