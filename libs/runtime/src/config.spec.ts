import { loadConfig } from './config';

describe('loadConfig: webhook settings', () => {
  it('reads BATCHYARD_WEBHOOKS_DISABLE_AFTER_MS as milliseconds, unset by default (3 days, libs/webhooks)', () => {
    expect(loadConfig({}).webhooksDisableAfterMs).toBeUndefined();
    expect(loadConfig({ BATCHYARD_WEBHOOKS_DISABLE_AFTER_MS: '1500' }).webhooksDisableAfterMs).toBe(1500);
    expect(loadConfig({ BATCHYARD_WEBHOOKS_DISABLE_AFTER_MS: ' ' }).webhooksDisableAfterMs).toBeUndefined();
  });

  it('stops on a value that is not a positive number of milliseconds, naming the variable', () => {
    for (const value of ['0', '-5', '1.5', '3d', 'NaN', '1e9', '9'.repeat(20)]) {
      expect(() => loadConfig({ BATCHYARD_WEBHOOKS_DISABLE_AFTER_MS: value })).toThrow(/BATCHYARD_WEBHOOKS_DISABLE_AFTER_MS must be a positive number of milliseconds/);
    }
  });
});
