import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { BlobNotFoundError, type BlobStore } from '../port';

/** One adapter, opened fresh for each test, with what the port cannot show about its storage. */
export interface BlobStoreUnderTest {
  store: BlobStore;
  /** How many stored copies of this content exist (files, GridFS files). */
  storedCopies(hash: string): Promise<number>;
  /** Partial uploads left behind (temporary files, chunks of no published file). */
  leftovers(): Promise<number>;
  /** Closes the store and removes everything it stored. */
  dispose(): Promise<void>;
}

const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
const MISSING = sha256(Buffer.from('never stored'));

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/** Yields the content in uneven slices, asynchronously, as a network upload would arrive. */
function trickle(content: Buffer): Readable {
  return Readable.from(
    (async function* () {
      const sizes = [1, 13_001, 65_536, 250_000, 7];
      for (let at = 0, i = 0; at < content.length; at += sizes[i % sizes.length], i++) {
        await nextTurn();
        yield content.subarray(at, at + sizes[i % sizes.length]);
      }
    })(),
  );
}

export function describeBlobStoreConformance(name: string, open: () => Promise<BlobStoreUnderTest>): void {
  describe(`BlobStore conformance: ${name}`, () => {
    let subject: BlobStoreUnderTest;
    let store: BlobStore;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(() => subject.dispose());

    it('stores small content addressed by its SHA-256 and reads it back byte-identical', async () => {
      const content = Buffer.from('{"serials":["A-1","A-2"]}');
      const ref = await store.put(content, { contentType: 'application/json' });
      expect(ref).toEqual({ hash: sha256(content), size: content.length, contentType: 'application/json' });
      expect(await readAll(await store.get(ref.hash))).toEqual(content);
      expect(await subject.leftovers()).toBe(0);
    });

    it('round-trips multi-MiB streamed content byte-identical', async () => {
      const content = randomBytes(5 * 1024 * 1024 + 17);
      const ref = await store.put(trickle(content), { contentType: 'text/csv' });
      expect(ref).toEqual({ hash: sha256(content), size: content.length, contentType: 'text/csv' });
      const read = await readAll(await store.get(ref.hash));
      expect(read.length).toBe(content.length);
      expect(read.equals(content)).toBe(true);
      expect(await subject.leftovers()).toBe(0);
    });

    it('reads a blob from a byte offset on, and nothing from its end', async () => {
      const content = randomBytes(700_000);
      const ref = await store.put(content);
      for (const start of [0, 1, 261_121, content.length - 1]) {
        expect((await readAll(await store.get(ref.hash, { start }))).equals(content.subarray(start))).toBe(true);
      }
      expect(await readAll(await store.get(ref.hash, { start: content.length }))).toEqual(Buffer.alloc(0));
    });

    it('hashes a stream of strings as the bytes they encode', async () => {
      const ref = await store.put(Readable.from(['sérial,', 'part\n']));
      const bytes = Buffer.from('sérial,part\n', 'utf8');
      expect(ref).toEqual({ hash: sha256(bytes), size: bytes.length, contentType: 'application/octet-stream' });
      expect(await readAll(await store.get(ref.hash))).toEqual(bytes);
    });

    it('stores empty content', async () => {
      const ref = await store.put(Buffer.alloc(0));
      expect(ref.hash).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      expect(ref.size).toBe(0);
      expect(await readAll(await store.get(ref.hash))).toEqual(Buffer.alloc(0));
    });

    it('stores the same content once, keeping the first content type', async () => {
      const content = randomBytes(300_000);
      const first = await store.put(content, { contentType: 'text/csv' });
      const again = await store.put(trickle(content), { contentType: 'text/plain' });
      expect(again).toEqual(first);
      expect(await subject.storedCopies(first.hash)).toBe(1);
      expect(await subject.leftovers()).toBe(0);
    });

    it('stores concurrent puts of the same content once', async () => {
      const content = randomBytes(600_000);
      const refs = await Promise.all([1, 2, 3, 4].map(() => store.put(trickle(content), { contentType: 'text/csv' })));
      expect(new Set(refs.map((r) => r.hash))).toEqual(new Set([sha256(content)]));
      expect(await subject.storedCopies(sha256(content))).toBe(1);
      expect(await subject.leftovers()).toBe(0);
      expect((await readAll(await store.get(sha256(content)))).equals(content)).toBe(true);
    });

    it('stats a stored blob, and answers undefined for a missing one or a name that is not a hash', async () => {
      const ref = await store.put(Buffer.from('abc'), { contentType: 'text/plain' });
      expect(await store.stat(ref.hash)).toEqual(ref);
      expect(await store.stat(MISSING)).toBeUndefined();
      expect(await store.stat('../../signing.key')).toBeUndefined();
      expect(await store.stat(ref.hash.toUpperCase())).toBeUndefined();
    });

    it('rejects get of a missing blob, or of a name that is not a hash, with BlobNotFoundError', async () => {
      await expect(store.get(MISSING)).rejects.toEqual(new BlobNotFoundError(MISSING));
      await expect(store.get(MISSING)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.get('../../signing.key')).rejects.toBeInstanceOf(BlobNotFoundError);
    });

    it('deletes a blob; deleting it again or deleting a missing one is a no-op; it can be stored again', async () => {
      const content = randomBytes(400_000);
      const ref = await store.put(content);
      const other = await store.put(Buffer.from('keep me'));
      await store.delete(ref.hash);
      expect(await store.stat(ref.hash)).toBeUndefined();
      await expect(store.get(ref.hash)).rejects.toBeInstanceOf(BlobNotFoundError);
      expect(await subject.storedCopies(ref.hash)).toBe(0);
      await store.delete(ref.hash);
      await store.delete(MISSING);
      expect(await readAll(await store.get(other.hash))).toEqual(Buffer.from('keep me'));
      expect(await store.put(content)).toEqual(ref);
      expect((await readAll(await store.get(ref.hash))).equals(content)).toBe(true);
      expect(await subject.leftovers()).toBe(0);
    });

    it('rejects a put whose input stream fails, storing nothing and leaving nothing behind', async () => {
      const sent = randomBytes(600_000);
      const failing = Readable.from(
        (async function* () {
          yield sent;
          // Long enough for the adapter to have written part of it.
          await delay(200);
          throw new Error('client went away');
        })(),
      );
      await expect(store.put(failing)).rejects.toThrow('client went away');
      expect(await subject.storedCopies(sha256(sent))).toBe(0);
      expect(await subject.leftovers()).toBe(0);
    });
  });
}
