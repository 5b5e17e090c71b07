import { createCipheriv, type Cipheriv } from 'node:crypto';
import { SHORT_ID_VERSION, shortIdAlphabet, shortIdLayout, type ShortIdGenerationInput, type ShortIdVersion } from '@batchyard/contracts';

/** Digits per limb: 62^5 < 2^30 (50^5 too), so a limb is a small integer and three fit one cipher block beside the round. */
const LIMB_DIGITS = 5;
/** A version-2 round's 32-bit words per cipher block, tried in turn; if all fall in the rejected top, the block is drawn again. */
const WORDS_PER_BLOCK = 4;
/** Rounds per limb: each round changes one limb, so every limb is changed six times (a two-limb core gets 12 rounds, more than FF1's 10). */
const ROUNDS_PER_LIMB = 6;

/**
 * The codes of a SHORT_ID_GENERATION task. Code `i` depends only on the template, the task's key and `i`, so a chunk
 * made again after a crash is the same chunk. SEQUENTIAL codes are `start + i × increment`, padded to the template's
 * width; PSEUDO_RANDOM codes are `i` put through a keyed permutation of every core of the template's width, so no two
 * are alike and, without the key, none tells anything about another.
 */
export function shortIdCodes(input: ShortIdGenerationInput, key: string, version?: ShortIdVersion): (first: number, count: number) => string[] {
  const layout = shortIdLayout(input.shortIdTemplate);
  const frame = (core: string) => layout.head + core + layout.tail;
  const indices = (first: number, count: number) => Array.from({ length: count }, (_, offset) => first + offset);
  if (input.shortIdTemplate.type === 'SEQUENTIAL') {
    return (first, count) =>
      indices(first, count).map((i) => {
        const core = (layout.start + BigInt(i) * layout.increment).toString();
        return frame(layout.coreLength === undefined ? core : core.padStart(layout.coreLength, layout.padChar));
      });
  }
  const permutation = new KeyedPermutation(Buffer.from(key, 'base64url'), layout.coreLength!, version);
  return (first, count) => permutation.cores(indices(first, count)).map(frame);
}

/**
 * A keyed permutation of the radix^digits cores of `digits` characters of the version's alphabet (50 symbols at
 * SHORT_ID_VERSION, 62 before), format-preserving in the manner of an unbalanced Feistel network: the core is cut
 * into limbs of at most five characters (two at least, so that a short core is not a mere keyed shift), and each
 * round adds, to one limb, AES-256 of the other limbs and the round number, modulo the limb's size. Every round can
 * be undone, so no two indices share a core. A whole chunk goes through a round in one cipher call, and the limbs are
 * small integers, which keeps a million codes to a second or two.
 *
 * What a round adds is uniform over the limb's size at SHORT_ID_VERSION: rejection sampling over the block's four
 * 32-bit words (a word at or above the largest multiple of the size under 2^32 is skipped), the block drawn again
 * with a counter in its byte 14 when all four are (under 10^-5 of the time). Before it (version absent), 53 bits were
 * scaled to the size, biased by under 2^-23; kept as it was so that a task queued then makes the same codes.
 */
export class KeyedPermutation {
  private readonly cipher: Cipheriv;
  private readonly widths: number[];
  private readonly sizes: number[];
  private readonly alphabet: string;
  private readonly unbiased: boolean;

  constructor(
    key: Buffer,
    private readonly digits: number,
    version?: ShortIdVersion,
  ) {
    this.alphabet = shortIdAlphabet(version);
    this.unbiased = version === SHORT_ID_VERSION;
    const radix = this.alphabet.length;
    this.cipher = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    const limbs = digits === 1 ? 1 : Math.max(2, Math.ceil(digits / LIMB_DIGITS));
    this.widths = Array.from({ length: limbs }, (_, j) => Math.floor(digits / limbs) + (j < digits % limbs ? 1 : 0));
    this.sizes = this.widths.map((width) => radix ** width);
  }

  /** The cores of indices below radix^digits. */
  cores(indices: readonly number[]): string[] {
    const k = this.sizes.length;
    const n = indices.length;
    const limbs = new Int32Array(n * k);
    indices.forEach((index, i) => {
      for (let j = k - 1; j >= 0; j--) {
        limbs[i * k + j] = index % this.sizes[j];
        index = Math.floor(index / this.sizes[j]);
      }
    });
    const blocks = new DataView(new ArrayBuffer(16 * n));
    for (let round = 0; round < ROUNDS_PER_LIMB * k; round++) {
      const target = round % k;
      for (let i = 0; i < n; i++) {
        blocks.setUint8(16 * i, round);
        blocks.setUint8(16 * i + 1, this.digits);
        for (let j = 0, at = 16 * i + 2; j < k; j++) {
          if (j === target) continue;
          blocks.setUint32(at, limbs[i * k + j]);
          at += 4;
        }
      }
      const out = this.cipher.update(new Uint8Array(blocks.buffer));
      const prf = new DataView(out.buffer, out.byteOffset, out.byteLength);
      const size = this.sizes[target];
      if (this.unbiased) {
        this.addUnbiased(limbs, target, blocks, prf, size);
        continue;
      }
      for (let i = 0; i < n; i++) {
        // 53 bits of the block as a fraction of 1, scaled to the limb's size: exact in a double, biased by under 2^-23.
        const fraction = (prf.getUint32(16 * i) * 2 ** 21 + (prf.getUint32(16 * i + 4) >>> 11)) / 2 ** 53;
        limbs[i * k + target] = (limbs[i * k + target] + Math.floor(fraction * size)) % size;
      }
    }
    return indices.map((_, i) => this.widths.map((width, j) => this.digitsOf(limbs[i * k + j], width)).join(''));
  }

  /**
   * Adds to each code's target limb the first of its block's words below the rejection limit, modulo the size; the
   * codes whose four words are all rejected draw their block again, the same block with byte 14 counting the draws.
   */
  private addUnbiased(limbs: Int32Array, target: number, blocks: DataView, prf: DataView, size: number): void {
    const k = this.sizes.length;
    const limit = Math.floor(2 ** 32 / size) * size;
    let pending = Array.from({ length: blocks.byteLength / 16 }, (_, i) => i);
    for (let draw = 1; ; draw++) {
      const rejected: number[] = [];
      pending.forEach((i, p) => {
        for (let w = 0; w < WORDS_PER_BLOCK; w++) {
          const word = prf.getUint32(16 * p + 4 * w);
          if (word < limit) {
            limbs[i * k + target] = (limbs[i * k + target] + (word % size)) % size;
            return;
          }
        }
        rejected.push(i);
      });
      if (!rejected.length) return;
      if (draw > 255) throw new Error('short ID draw: 255 blocks in a row rejected');
      const again = new Uint8Array(16 * rejected.length);
      rejected.forEach((i, p) => {
        again.set(new Uint8Array(blocks.buffer, blocks.byteOffset + 16 * i, 16), 16 * p);
        again[16 * p + 14] = draw;
      });
      const out = this.cipher.update(again);
      prf = new DataView(out.buffer, out.byteOffset, out.byteLength);
      pending = rejected;
    }
  }

  private digitsOf(value: number, width: number): string {
    const radix = this.alphabet.length;
    let text = '';
    for (let d = 0; d < width; d++) {
      text = this.alphabet[value % radix] + text;
      value = Math.floor(value / radix);
    }
    return text;
  }
}
