import { createCipheriv, type Cipheriv } from 'node:crypto';
import { SHORT_ID_ALPHABET, shortIdLayout, type ShortIdGenerationInput } from '@batchyard/contracts';

const RADIX = SHORT_ID_ALPHABET.length;
/** Base-62 digits per limb: 62^5 < 2^30, so a limb is a small integer and three fit one cipher block beside the round. */
const LIMB_DIGITS = 5;
/** Rounds per limb: each round changes one limb, so every limb is changed six times (a two-limb core gets 12 rounds, more than FF1's 10). */
const ROUNDS_PER_LIMB = 6;

/**
 * The codes of a SHORT_ID_GENERATION task. Code `i` depends only on the template, the task's key and `i`, so a chunk
 * made again after a crash is the same chunk. SEQUENTIAL codes are `start + i × increment`, padded to the template's
 * width; PSEUDO_RANDOM codes are `i` put through a keyed permutation of every core of the template's width, so no two
 * are alike and, without the key, none tells anything about another.
 */
export function shortIdCodes(input: ShortIdGenerationInput, key: string): (first: number, count: number) => string[] {
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
  const permutation = new KeyedPermutation(Buffer.from(key, 'base64url'), layout.coreLength!);
  return (first, count) => permutation.cores(indices(first, count)).map(frame);
}

/**
 * A keyed permutation of the 62^digits cores of `digits` base-62 characters, format-preserving in the manner of an
 * unbalanced Feistel network: the core is cut into limbs of at most five characters (two at least, so that a short
 * core is not a mere keyed shift), and each round adds, to one limb, AES-256 of the other limbs and the round number,
 * modulo the limb's size. Every round can be undone, so no two indices share a core. A whole chunk goes through a
 * round in one cipher call, and the limbs are small integers, which keeps a million codes to a second or two.
 */
export class KeyedPermutation {
  private readonly cipher: Cipheriv;
  private readonly widths: number[];
  private readonly sizes: number[];

  constructor(
    key: Buffer,
    private readonly digits: number,
  ) {
    this.cipher = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    const limbs = digits === 1 ? 1 : Math.max(2, Math.ceil(digits / LIMB_DIGITS));
    this.widths = Array.from({ length: limbs }, (_, j) => Math.floor(digits / limbs) + (j < digits % limbs ? 1 : 0));
    this.sizes = this.widths.map((width) => RADIX ** width);
  }

  /** The cores of indices below 62^digits. */
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
      for (let i = 0; i < n; i++) {
        // 53 bits of the block as a fraction of 1, scaled to the limb's size: exact in a double, biased by under 2^-23.
        const fraction = (prf.getUint32(16 * i) * 2 ** 21 + (prf.getUint32(16 * i + 4) >>> 11)) / 2 ** 53;
        limbs[i * k + target] = (limbs[i * k + target] + Math.floor(fraction * size)) % size;
      }
    }
    return indices.map((_, i) => this.widths.map((width, j) => base62(limbs[i * k + j], width)).join(''));
  }
}

function base62(value: number, width: number): string {
  let text = '';
  for (let d = 0; d < width; d++) {
    text = SHORT_ID_ALPHABET[value % RADIX] + text;
    value = Math.floor(value / RADIX);
  }
  return text;
}
