import { ShortIdGenerationInputSchema } from './task-events';
import { shortIdLayout, shortIdTemplateProblems, type ShortIdTemplate } from './short-id-template';

const problems = (template: ShortIdTemplate, quantity: number) => shortIdTemplateProblems(template, quantity).map((p) => `${p.path.join('.')}: ${p.message}`);

describe('short ID templates', () => {
  it('lays a code out: the length counts prefix, suffix and the separators beside them', () => {
    expect(shortIdLayout({ type: 'SEQUENTIAL', length: 12, prefix: 'AB', suffix: 'C', separator: '--' })).toMatchObject({
      head: 'AB--',
      tail: '--C',
      coreLength: 5,
      padChar: '0',
      start: 1n,
      increment: 1n,
    });
    expect(shortIdLayout({ type: 'SEQUENTIAL', separator: '-', padding: 'CHAR', paddingChar: 'x', length: 4 })).toMatchObject({ head: '', tail: '', coreLength: 4, padChar: 'x' });
    expect(shortIdLayout({ type: 'SEQUENTIAL' }).coreLength).toBeUndefined();
    expect(shortIdLayout({ type: 'PSEUDO_RANDOM', prefix: 'p' }).coreLength).toBe(8);
  });

  it('accepts templates that hold the quantity', () => {
    expect(problems({ type: 'SEQUENTIAL', length: 4, start: 1, increment: 1 }, 9_999)).toEqual([]);
    expect(problems({ type: 'SEQUENTIAL', length: 8, prefix: 'AB', separator: '-', start: 0, increment: 10 }, 1_000)).toEqual([]);
    expect(problems({ type: 'PSEUDO_RANDOM', length: 4 }, 1_000_000)).toEqual([]);
    expect(problems({ type: 'PSEUDO_RANDOM' }, 1_000_000)).toEqual([]);
  });

  it('refuses a length that cannot hold the quantity, or leaves no room, or codes too long', () => {
    expect(problems({ type: 'SEQUENTIAL', length: 4, start: 1, increment: 1 }, 10_000)).toEqual([
      expect.stringMatching(/^length: length 4 cannot hold 10000 codes: the last, 10000, needs 5 digits/),
    ]);
    expect(problems({ type: 'SEQUENTIAL', length: 6, prefix: 'AB', separator: '-', increment: 100 }, 100)).toEqual([expect.stringMatching(/cannot hold 100 codes/)]);
    // 50 symbols: 50^3 codes of 3 characters.
    expect(problems({ type: 'PSEUDO_RANDOM', length: 3 }, 125_000)).toEqual([]);
    expect(problems({ type: 'PSEUDO_RANDOM', length: 3 }, 125_001)).toEqual([
      expect.stringMatching(/^length: length 3 cannot hold 125001 codes: 3 random characters make 125000 codes$/),
    ]);
    expect(problems({ type: 'PSEUDO_RANDOM', length: 4, prefix: 'ABCD' }, 1)).toEqual([expect.stringMatching(/leaves no room/)]);
    expect(problems({ type: 'PSEUDO_RANDOM', length: 30 }, 1)).toEqual([expect.stringMatching(/at most 20 characters/)]);
    expect(problems({ type: 'PSEUDO_RANDOM', prefix: 'x'.repeat(60) }, 1)).toEqual([expect.stringMatching(/longer than 64/)]);
    expect(problems({ type: 'SEQUENTIAL', prefix: 'x'.repeat(60), start: 100_000 }, 1)).toEqual([expect.stringMatching(/longer than 64/)]);
  });

  it('refuses padding and sequence settings that do not fit together', () => {
    expect(problems({ type: 'PSEUDO_RANDOM', start: 1, increment: 2 }, 1)).toEqual([
      'start: start applies to SEQUENTIAL templates only',
      'increment: increment applies to SEQUENTIAL templates only',
    ]);
    expect(problems({ type: 'SEQUENTIAL', length: 5, padding: 'CHAR' }, 1)).toEqual(['paddingChar: paddingChar is required with padding CHAR']);
    expect(problems({ type: 'SEQUENTIAL', length: 5, paddingChar: 'x' }, 1)).toEqual(['paddingChar: paddingChar needs padding CHAR']);
    expect(problems({ type: 'SEQUENTIAL', padding: 'ZERO' }, 1)).toEqual(['length: padding needs a length']);
  });

  it('reports problems under inputParameters.shortIdTemplate, and refuses bad characters and unknown fields', () => {
    const issues = (shortIdTemplate: unknown, quantity = 10) => ShortIdGenerationInputSchema.safeParse({ quantity, shortIdTemplate }).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ type: 'SEQUENTIAL', length: 1 }, 10)).toEqual(['shortIdTemplate.length']);
    expect(issues({ type: 'SEQUENTIAL', prefix: 'a b' })).toEqual(['shortIdTemplate.prefix']);
    expect(issues({ type: 'SEQUENTIAL', padding: 'CHAR', paddingChar: '7', length: 3 })).toEqual(['shortIdTemplate.paddingChar']);
    expect(issues({ type: 'SEQUENTIAL', colour: 'red' })).toEqual(['shortIdTemplate']);
    expect(issues({ type: 'THNG_ID' })).toEqual(['shortIdTemplate.type']);
    expect(issues({ type: 'SEQUENTIAL', start: -1 })).toEqual(['shortIdTemplate.start']);
    expect(issues({ type: 'SEQUENTIAL', increment: 0 })).toEqual(['shortIdTemplate.increment']);
    expect(ShortIdGenerationInputSchema.safeParse({ type: 'SHORT_ID_GENERATION', quantity: 5, shortIdTemplate: { type: 'PSEUDO_RANDOM' } }).success).toBe(true);
  });
});
