import { createHash } from 'node:crypto';
import { z } from 'zod';
import { EVRYTHNG_ID_ALPHABET } from '../ids';

/** A short ID is 1 to 64 letters, digits, `_` or `-`: safe in a URL path as it is. */
export const MAX_SHORT_ID_LENGTH = 64;
/**
 * The characters of a generated short ID (a PSEUDO_RANDOM core, a POPULATING task's derived short ID): EVRYTHNG's
 * 50 symbols, without look-alikes (no i, j, l, o, u, v, z, I, J, L, O, Z), drawn with no modulo bias.
 */
export const SHORT_ID_ALPHABET = EVRYTHNG_ID_ALPHABET;
/** The 62 case-sensitive alphanumerics that short IDs were generated from before short ID version 2. */
export const LEGACY_SHORT_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * How a task generates short IDs, recorded on its TaskQueued (and QueueTask) and on each of its ItemsGenerated (and
 * RecordItems), so an event replays to the short IDs it gave when it was recorded:
 * - absent (version 1, every event recorded before the field existed): the 62 LEGACY_SHORT_ID_ALPHABET symbols,
 *   a derived short ID taking digest byte mod 62, a PSEUDO_RANDOM round scaling 53 bits to the limb's size;
 * - 2: the 50 SHORT_ID_ALPHABET symbols, every draw by rejection sampling (no modulo bias).
 */
export const SHORT_ID_VERSION = 2;
export const ShortIdVersionSchema = z
  .literal(SHORT_ID_VERSION)
  .describe("How generated short IDs are drawn: 2, EVRYTHNG's 50 symbols with no modulo bias; absent (recorded before it), 62 alphanumerics")
  .optional();
export type ShortIdVersion = z.infer<typeof ShortIdVersionSchema>;

/** The alphabet of a short ID version (absent: the legacy 62 symbols). */
export const shortIdAlphabet = (version: ShortIdVersion): string => (version === SHORT_ID_VERSION ? SHORT_ID_ALPHABET : LEGACY_SHORT_ID_ALPHABET);

/**
 * `length` symbols of `alphabet` drawn from a seed with no modulo bias: SHA-256 of `seed` then of `seed:1`, `seed:2`, …
 * gives bytes, a byte below the largest multiple of the alphabet's size under 256 picks symbol `byte mod size`, any
 * other is skipped. The same seed always gives the same symbols.
 */
export function unbiasedSymbols(seed: string, length: number, alphabet: string = SHORT_ID_ALPHABET): string {
  const size = alphabet.length;
  const limit = 256 - (256 % size);
  let text = '';
  for (let counter = 0; text.length < length; counter++) {
    const digest = createHash('sha256')
      .update(counter === 0 ? seed : `${seed}:${counter}`)
      .digest();
    for (let i = 0; i < digest.length && text.length < length; i++) if (digest[i] < limit) text += alphabet[digest[i] % size];
  }
  return text;
}
/** A pseudo-random core's length when the template gives none: EVRYTHNG's default short ID has 8 characters. */
export const DEFAULT_RANDOM_CORE_LENGTH = 8;
/** The longest pseudo-random core: 50^20 ≈ 9·10^33 codes, in four limbs, three of which fill one block of the permutation's cipher. */
export const MAX_RANDOM_CORE_LENGTH = 20;

const affix = (name: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, `${name} may hold only letters, digits, _ and -`)
    .optional();

/** ShortIdTemplateDocument (Seed A.6): `length` counts the prefix, the suffix and their separators. */
export const ShortIdTemplateSchema = z.strictObject({
  type: z.enum(['SEQUENTIAL', 'PSEUDO_RANDOM']),
  length: z.number().int().min(1).max(MAX_SHORT_ID_LENGTH).optional(),
  start: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  increment: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  padding: z.enum(['ZERO', 'CHAR']).optional(),
  // A digit would pad "12" into "9912", which is also the number 9912.
  paddingChar: z
    .string()
    .regex(/^[A-Za-z_-]$/, 'paddingChar is one letter, _ or -')
    .optional(),
  prefix: affix('prefix'),
  suffix: affix('suffix'),
  separator: affix('separator'),
});
export type ShortIdTemplate = z.infer<typeof ShortIdTemplateSchema>;

/** How a template lays a code out: `head` + core + `tail`; a separator stands only beside a prefix or suffix that is there. */
export interface ShortIdLayout {
  head: string;
  tail: string;
  /** The core's fixed width, or undefined for SEQUENTIAL without `length` (numbers as they come). */
  coreLength?: number;
  /** What pads a SEQUENTIAL core to its width: `0` unless padding is CHAR. */
  padChar: string;
  start: bigint;
  increment: bigint;
}

export function shortIdLayout(template: ShortIdTemplate): ShortIdLayout {
  const separator = template.separator ?? '';
  const head = template.prefix ? template.prefix + separator : '';
  const tail = template.suffix ? separator + template.suffix : '';
  const coreLength = template.length !== undefined ? template.length - head.length - tail.length : template.type === 'PSEUDO_RANDOM' ? DEFAULT_RANDOM_CORE_LENGTH : undefined;
  const padChar = template.padding === 'CHAR' ? template.paddingChar! : '0';
  return { head, tail, coreLength, padChar, start: BigInt(template.start ?? 1), increment: BigInt(template.increment ?? 1) };
}

type Problem = { path: string[]; message: string };

/** What makes a template unusable for `quantity` codes; empty when it can make them all, each distinct. */
export function shortIdTemplateProblems(template: ShortIdTemplate, quantity: number): Problem[] {
  const problems: Problem[] = [];
  const at = (field: string, message: string) => problems.push({ path: [field], message });
  if (template.type === 'PSEUDO_RANDOM') {
    for (const field of ['start', 'increment', 'padding', 'paddingChar'] as const) {
      if (template[field] !== undefined) at(field, `${field} applies to SEQUENTIAL templates only`);
    }
  }
  if (template.padding === 'CHAR' && template.paddingChar === undefined) at('paddingChar', 'paddingChar is required with padding CHAR');
  if (template.paddingChar !== undefined && template.padding !== 'CHAR') at('paddingChar', 'paddingChar needs padding CHAR');
  if (template.padding !== undefined && template.length === undefined) at('length', 'padding needs a length');
  if (problems.length) return problems;

  const layout = shortIdLayout(template);
  const fixed = layout.head.length + layout.tail.length;
  if (layout.coreLength !== undefined && layout.coreLength < 1) {
    at('length', `length ${template.length} leaves no room for the code after the prefix, suffix and separators (${fixed} characters)`);
    return problems;
  }
  if (template.type === 'SEQUENTIAL') {
    const last = layout.start + BigInt(quantity - 1) * layout.increment;
    const digits = last.toString().length;
    if (layout.coreLength !== undefined && digits > layout.coreLength) {
      at(
        'length',
        `length ${template.length} cannot hold ${quantity} codes: the last, ${last}, needs ${digits} digits and the prefix, suffix and separators leave ${layout.coreLength}`,
      );
    } else if (fixed + digits > MAX_SHORT_ID_LENGTH) {
      at('length', `the codes would be longer than ${MAX_SHORT_ID_LENGTH} characters`);
    }
    return problems;
  }
  const core = layout.coreLength!;
  if (core > MAX_RANDOM_CORE_LENGTH) at('length', `a PSEUDO_RANDOM code has at most ${MAX_RANDOM_CORE_LENGTH} characters besides its prefix, suffix and separators`);
  else if (BigInt(SHORT_ID_ALPHABET.length) ** BigInt(core) < BigInt(quantity)) {
    at('length', `length ${template.length ?? fixed + core} cannot hold ${quantity} codes: ${core} random characters make ${SHORT_ID_ALPHABET.length ** core} codes`);
  } else if (fixed + core > MAX_SHORT_ID_LENGTH) at('length', `the codes would be longer than ${MAX_SHORT_ID_LENGTH} characters`);
  return problems;
}
