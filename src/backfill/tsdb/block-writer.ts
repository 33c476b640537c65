import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Labels } from '../../metrics/series.js';
import { crc32c, Encoder } from './encoding.js';
import { SAMPLES_PER_CHUNK, XorChunk } from './xor-chunk.js';

// One Prometheus TSDB block (tsdb/docs/format: chunks, index, meta.json), written straight from
// samples: chunks go to disk as series arrive; only labels and chunk references stay in memory
// until the index is written. This is what `promtool tsdb create-blocks-from openmetrics` makes,
// without the text in between. Chunks are written synchronously, a few megabytes at a time, so that
// series added by concurrent tasks never interleave.

const CHUNKS_MAGIC = 0x85bd40dd;
const INDEX_MAGIC = 0xbaaad700;
const INDEX_VERSION = 2;
const XOR_ENCODING = 1;
/** Prometheus' own limit for a chunks segment file. */
const SEGMENT_BYTES = 512 * 1024 * 1024;
const FLUSH_BYTES = 4 * 1024 * 1024;
const TWO_32 = 2 ** 32;

interface ChunkMeta {
  minTime: number;
  maxTime: number;
  ref: number;
}

interface Series {
  labels: Array<[string, string]>;
  chunks: ChunkMeta[];
}

export interface BlockMeta {
  ulid: string;
  minTime: number;
  /** One past the last sample, as Prometheus writes it. */
  maxTime: number;
  stats: { numSamples: number; numSeries: number; numChunks: number };
  compaction: { level: number; sources: string[] };
  version: 1;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID: 48 bits of milliseconds and 80 random bits, in Crockford's base 32, as Prometheus names blocks. */
export function ulid(now = Date.now(), random: Uint8Array = randomBytes(10)): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32]! + time;
  let bits = 0n;
  for (const byte of random) bits = (bits << 8n) | BigInt(byte);
  let rest = '';
  for (let i = 0; i < 16; i++, bits >>= 5n) rest = CROCKFORD[Number(bits & 31n)]! + rest;
  return time + rest;
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
/** Go compares strings by their bytes; so must the sort of symbols and series. */
const byBytes = (a: string, b: string): number => (a === b ? 0 : Buffer.compare(utf8(a), utf8(b)));

function compareLabels(a: ReadonlyArray<readonly [string, string]>, b: ReadonlyArray<readonly [string, string]>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = byBytes(a[i]![0], b[i]![0]) || byBytes(a[i]![1], b[i]![1]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** A block being written in `parent`; it appears there under its ULID only once closed. */
export class BlockWriter {
  readonly ulid = ulid();
  readonly #parent: string;
  readonly #dir: string;
  readonly #series = new Map<string, Series>();
  readonly #pending = new Encoder();
  readonly #segmentLimit: number;
  readonly #flushBytes: number;
  #segment: number | undefined;
  #segments = 0;
  #segmentBytes = 0;
  #samples = 0;
  #chunks = 0;
  #minTime = Infinity;
  #maxTime = -Infinity;

  private constructor(parent: string, sizes: { segmentBytes: number; flushBytes: number }) {
    this.#parent = parent;
    this.#segmentLimit = sizes.segmentBytes;
    this.#flushBytes = sizes.flushBytes;
    // Prometheus removes folders with this suffix when it starts: a block cut short is never read.
    this.#dir = join(parent, `${this.ulid}.tmp-for-creation`);
  }

  /** `segmentBytes` caps a chunks file, `flushBytes` the chunks held before they are written. */
  static async create(parent: string, sizes: { segmentBytes?: number; flushBytes?: number } = {}): Promise<BlockWriter> {
    const writer = new BlockWriter(parent, { segmentBytes: sizes.segmentBytes ?? SEGMENT_BYTES, flushBytes: sizes.flushBytes ?? FLUSH_BYTES });
    await mkdir(join(writer.#dir, 'chunks'), { recursive: true });
    return writer;
  }

  get samples(): number {
    return this.#samples;
  }

  /**
   * Samples of one series, in time order. Labels need not be sorted; `__name__` is one of them. A
   * series added again continues where it ended.
   */
  add(labels: Labels, times: ArrayLike<number>, values: ArrayLike<number>): void {
    if (times.length === 0) return;
    const sorted = labels.filter(([, value]) => value !== '').map(([name, value]): [string, string] => [name, value]).sort((a, b) => byBytes(a[0], b[0]));
    const key = JSON.stringify(sorted);
    let series = this.#series.get(key);
    if (series === undefined) this.#series.set(key, (series = { labels: sorted, chunks: [] }));
    const last = series.chunks.at(-1)?.maxTime ?? -Infinity;
    if (times[0]! <= last) throw new Error(`samples of ${key} out of order at ${times[0]}`);
    for (let start = 0; start < times.length; start += SAMPLES_PER_CHUNK) {
      const chunk = new XorChunk();
      for (let i = start; i < Math.min(start + SAMPLES_PER_CHUNK, times.length); i++) chunk.append(times[i]!, values[i]!);
      series.chunks.push({ minTime: chunk.minTime, maxTime: chunk.maxTime, ref: this.#writeChunk(chunk.bytes()) });
      this.#minTime = Math.min(this.#minTime, chunk.minTime);
      this.#maxTime = Math.max(this.#maxTime, chunk.maxTime);
      this.#samples += chunk.count;
    }
  }

  /** Appends a chunk to the segment file and returns its reference: segment index << 32 | offset. */
  #writeChunk(data: Uint8Array): number {
    const size = 10 + 1 + data.length + 4;
    if (this.#segment === undefined || this.#segmentBytes + size > this.#segmentLimit) this.#nextSegment();
    const ref = (this.#segments - 1) * TWO_32 + this.#segmentBytes;
    const pending = this.#pending;
    const start = pending.length;
    pending.uvarint(data.length);
    const hashed = pending.length;
    pending.byte(XOR_ENCODING).bytes(data);
    pending.be32(crc32c(pending.view().subarray(hashed)));
    this.#segmentBytes += pending.length - start;
    this.#chunks++;
    if (pending.length >= this.#flushBytes) this.#flush();
    return ref;
  }

  #flush(): void {
    const bytes = this.#pending.view();
    for (let written = 0; written < bytes.length; ) written += writeSync(this.#segment!, bytes, written);
    this.#pending.reset();
  }

  #closeSegment(): void {
    if (this.#segment === undefined) return;
    this.#flush();
    closeSync(this.#segment);
    this.#segment = undefined;
  }

  #nextSegment(): void {
    this.#closeSegment();
    this.#segments++;
    this.#segment = openSync(join(this.#dir, 'chunks', String(this.#segments).padStart(6, '0')), 'w');
    this.#pending.be32(CHUNKS_MAGIC).byte(1).byte(0).byte(0).byte(0);
    this.#segmentBytes = 8;
  }

  /** Writes the index and meta.json and moves the block into place; resolves to its meta, or undefined (and nothing written) without samples. */
  async close(): Promise<BlockMeta | undefined> {
    this.#closeSegment();
    if (this.#samples === 0) {
      await this.discard();
      return undefined;
    }
    const series = [...this.#series.values()].sort((a, b) => compareLabels(a.labels, b.labels));
    await writeFile(join(this.#dir, 'index'), indexOf(series));
    const meta: BlockMeta = {
      ulid: this.ulid,
      minTime: this.#minTime,
      maxTime: this.#maxTime + 1,
      stats: { numSamples: this.#samples, numSeries: series.length, numChunks: this.#chunks },
      compaction: { level: 1, sources: [this.ulid] },
      version: 1,
    };
    await writeFile(join(this.#dir, 'meta.json'), `${JSON.stringify(meta, null, '\t')}\n`);
    await rename(this.#dir, join(this.#parent, this.ulid));
    return meta;
  }

  /** Removes what was written, for a run that stops. */
  async discard(): Promise<void> {
    if (this.#segment !== undefined) closeSync(this.#segment);
    this.#segment = undefined;
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/** A section of the index: its length, its bytes and their CRC32. */
function section(out: Encoder, body: Encoder, length: 'be32' | 'uvarint'): void {
  const bytes = body.view();
  out[length](bytes.length).bytes(bytes).be32(crc32c(bytes));
}

function indexOf(series: readonly Series[]): Buffer {
  const out = new Encoder();
  const body = new Encoder();
  out.be32(INDEX_MAGIC).byte(INDEX_VERSION);

  const symbols = [...new Set(series.flatMap((s) => s.labels.flat()))].sort(byBytes);
  const symbolIndex = new Map(symbols.map((symbol, i) => [symbol, i]));
  const toc = { symbols: out.length, series: 0, labelIndices: 0, postings: 0, postingsTable: 0 };
  body.be32(symbols.length);
  for (const symbol of symbols) body.string(symbol);
  section(out, body, 'be32');

  // Series are 16-byte aligned; a series' reference is its offset / 16.
  toc.series = out.length;
  const postings = new Map<string, Map<string, number[]>>();
  const all: number[] = [];
  for (const { labels, chunks } of series) {
    out.pad(16);
    const ref = out.length / 16;
    all.push(ref);
    body.reset();
    body.uvarint(labels.length);
    for (const [name, value] of labels) {
      body.uvarint(symbolIndex.get(name)!).uvarint(symbolIndex.get(value)!);
      const values = postings.get(name) ?? postings.set(name, new Map()).get(name)!;
      (values.get(value) ?? values.set(value, []).get(value)!).push(ref);
    }
    body.uvarint(chunks.length);
    chunks.forEach((chunk, i) => {
      if (i === 0) body.varint(chunk.minTime).uvarint(chunk.maxTime - chunk.minTime).uvarint(chunk.ref);
      else body.uvarint(chunk.minTime - chunks[i - 1]!.maxTime).uvarint(chunk.maxTime - chunk.minTime).varint(chunk.ref - chunks[i - 1]!.ref);
    });
    section(out, body, 'uvarint');
  }

  // Postings lists, the list of every series first (the empty label pair), each 4-byte aligned.
  toc.labelIndices = out.length;
  out.pad(4);
  toc.postings = out.length;
  const offsets: Array<[string, string, number]> = [];
  const list = (name: string, value: string, refs: readonly number[]) => {
    out.pad(4);
    offsets.push([name, value, out.length]);
    body.reset();
    body.be32(refs.length);
    for (const ref of refs) body.be32(ref);
    section(out, body, 'be32');
  };
  list('', '', all);
  for (const name of [...postings.keys()].sort(byBytes)) {
    const values = postings.get(name)!;
    for (const value of [...values.keys()].sort(byBytes)) list(name, value, values.get(value)!);
  }

  toc.postingsTable = out.length;
  body.reset();
  body.be32(offsets.length);
  for (const [name, value, offset] of offsets) body.uvarint(2).string(name).string(value).uvarint(offset);
  section(out, body, 'be32');

  // The label indices are no longer written (Prometheus reads the postings table instead).
  body.reset();
  body.be64(toc.symbols).be64(toc.series).be64(toc.labelIndices).be64(toc.postingsTable).be64(toc.postings).be64(toc.postingsTable);
  out.bytes(body.view()).be32(crc32c(body.view()));
  return Buffer.from(out.view());
}
