import { handleByKey } from './handle-by-key';

const message = (key: string, n: number) => ({ key, n });

describe('handleByKey', () => {
  it('one key at a time: the plain loop, stopping at the first failure', async () => {
    const seen: number[] = [];
    const messages = [message('a', 0), message('b', 1), message('a', 2)];
    const handled = await handleByKey(
      messages,
      1,
      async (m) => (seen.push(m.n), m.n !== 1),
      () => false,
    );
    expect(handled).toBe(1);
    expect(seen).toEqual([0, 1]);
  });

  it('several keys: each key in order, the handled prefix counted up to the first message not handled', async () => {
    const seen: number[] = [];
    const messages = [message('a', 0), message('b', 1), message('a', 2), message('c', 3), message('b', 4)];
    const handled = await handleByKey(
      messages,
      3,
      async (m) => (seen.push(m.n), m.n !== 2),
      () => false,
    );
    // a:2 failed, so nothing from it on counts as handled, whatever else ran.
    expect(handled).toBe(2);
    expect(seen.indexOf(2)).toBeGreaterThan(seen.indexOf(0));
    expect(seen).toContain(1);
  });

  it('every message handled: the whole batch; a stop starts nothing more', async () => {
    const messages = [message('a', 0), message('b', 1), message('c', 2)];
    expect(
      await handleByKey(
        messages,
        2,
        async () => true,
        () => false,
      ),
    ).toBe(3);
    expect(
      await handleByKey(
        messages,
        2,
        async () => true,
        () => true,
      ),
    ).toBe(0);
  });
});
