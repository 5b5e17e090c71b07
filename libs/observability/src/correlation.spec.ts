import { currentCorrelationId, withCorrelationId } from './correlation';

describe('correlation ids', () => {
  it('follow the async work started under them, and only that', async () => {
    const seen: (string | undefined)[] = [];
    await Promise.all([
      withCorrelationId('a', async () => {
        await new Promise((r) => setTimeout(r, 5));
        seen.push(currentCorrelationId());
      }),
      withCorrelationId('b', async () => {
        await Promise.resolve();
        seen.push(currentCorrelationId());
      }),
    ]);
    expect(seen.sort()).toEqual(['a', 'b']);
    expect(currentCorrelationId()).toBeUndefined();
  });
});
