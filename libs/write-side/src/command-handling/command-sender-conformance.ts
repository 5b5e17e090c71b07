import { randomUUID } from 'node:crypto';
import { CreateTenant, type Actor } from '@batchyard/contracts';
import { command, type CommandSender } from '@batchyard/command-bus';

export interface SenderUnderTest {
  /** A sender whose commands reach the handler with every route (the batch service's). */
  sender: CommandSender;
  close(): Promise<void>;
}

const ACTOR: Actor = { keyId: 'conformance', name: 'conformance', role: 'operator' };

/** What every CommandSender adapter does, whichever way its commands travel to the handler. */
export function describeCommandSenderConformance(name: string, open: () => Promise<SenderUnderTest>) {
  describe(`CommandSender conformance: ${name}`, () => {
    let under: SenderUnderTest;
    const tenant = () => `t-${randomUUID().slice(0, 8)}`;
    const createTenant = (id: string, data: unknown = { name: id }, commandId?: string) =>
      under.sender.send(command(CreateTenant, data, { tenant: id, aggregateId: id, actor: ACTOR, commandId }));

    beforeEach(async () => {
      under = await open();
    });
    afterEach(() => under.close());

    it('answers with the accepted outcome once the events are appended, at a position', async () => {
      const outcome = await createTenant(tenant());
      expect(outcome).toMatchObject({ status: 'accepted', position: expect.any(Number) });
    });

    it('answers a command sent again from its recorded outcome, appending nothing', async () => {
      const id = tenant();
      const commandId = randomUUID();
      const first = await createTenant(id, { name: id }, commandId);
      expect(await createTenant(id, { name: id }, commandId)).toEqual(first);
      // Decided once: a new command on the same tenant is refused by the decider, as a rule broken.
      expect(await createTenant(id)).toMatchObject({ status: 'rejected', error: { code: 'conflict' } });
    });

    it('rejects data its schema refuses as invalid, naming the field', async () => {
      expect(await createTenant(tenant(), { name: 42 })).toMatchObject({ status: 'rejected', error: { code: 'invalid', field: 'name' } });
    });

    it('keeps each command its own: the correlation id does not stand in for the command id', async () => {
      const id = tenant();
      const correlationId = randomUUID();
      const send = (tenantId: string) => under.sender.send(command(CreateTenant, { name: tenantId }, { tenant: tenantId, aggregateId: tenantId, actor: ACTOR, correlationId }));
      const [a, b] = await Promise.all([send(id), send(`${id}-b`)]);
      expect(a).toMatchObject({ status: 'accepted' });
      expect(b).toMatchObject({ status: 'accepted' });
      expect(a.commandId).not.toBe(b.commandId);
    });
  });
}
