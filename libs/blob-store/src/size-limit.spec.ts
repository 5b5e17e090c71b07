import { Readable } from 'node:stream';
import { BlobTooLargeError, sizeLimited } from './size-limit';

const read = async (stream: Readable) => {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts).toString();
};

describe('sizeLimited', () => {
  it('passes content up to the limit through, and fails beyond it', async () => {
    expect(await read(sizeLimited(Readable.from(['ab', 'cd']), 4))).toBe('abcd');
    await expect(read(sizeLimited(Readable.from(['ab', 'cde']), 4))).rejects.toBeInstanceOf(BlobTooLargeError);
  });
});
