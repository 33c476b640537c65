import SnappyJS from 'snappyjs';
import type { Labels } from '../../metrics/series.js';

// The body of a Prometheus remote-write 1.0 request: a prompb.WriteRequest protobuf, snappy-compressed
// (block format). Four small messages, so they are written here by hand rather than through a
// protobuf library and generated code:
//   WriteRequest { repeated TimeSeries timeseries = 1; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }

/** One series' samples in time order; a null value is a staleness marker (the series ended). */
export interface WriteSeries {
  /** Every label including `__name__`, in any order. */
  labels: Labels;
  times: readonly number[];
  values: ReadonlyArray<number | null>;
}

const LENGTH_DELIMITED = 2;
const FIXED64 = 1;
const VARINT = 0;
// Prometheus' staleness marker: a NaN with its own bits, which JavaScript's NaN does not keep.
const STALE_NAN = 0x7ff0000000000002n;

const encoder = new TextEncoder();

/** The bytes a varint of `value` takes: lengths and millisecond timestamps, whole numbers from 0 to 2^53. */
function varintSize(value: number): number {
  // A negative int64 takes ten bytes; none is sent.
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint this writer takes: ${value}`);
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size += 1;
  return size;
}

/** A field holding a message of `size` bytes: its tag, its length, itself. */
const fieldSize = (size: number): number => 1 + varintSize(size) + size;

/** The request is measured first, then written into one buffer of exactly its size. */
class ProtoWriter {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly #view: DataView;
  #at = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.#view = new DataView(this.bytes.buffer);
  }

  varint(value: number): void {
    while (value >= 0x80) {
      this.bytes[this.#at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.bytes[this.#at++] = value;
  }

  /** A length-delimited field's tag and length; its bytes follow. */
  field(field: number, size: number): void {
    this.bytes[this.#at++] = (field << 3) | LENGTH_DELIMITED;
    this.varint(size);
  }

  raw(bytes: Uint8Array): void {
    this.bytes.set(bytes, this.#at);
    this.#at += bytes.length;
  }

  sample(size: number, value: number | null, time: number): void {
    this.field(2, size);
    this.bytes[this.#at++] = (1 << 3) | FIXED64;
    if (value === null) this.#view.setBigUint64(this.#at, STALE_NAN, true);
    else this.#view.setFloat64(this.#at, value, true);
    this.#at += 8;
    this.bytes[this.#at++] = (2 << 3) | VARINT;
    this.varint(time);
  }
}

/** The uncompressed WriteRequest; labels sorted by name, as receivers require. */
export function encodeWriteRequest(series: readonly WriteSeries[]): Uint8Array<ArrayBuffer> {
  // Label { name = 1; value = 2 } and Sample { value = 1 (double); timestamp = 2 }, measured.
  const measured = series.map(({ labels, times }) => {
    const encoded = [...labels].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) => [encoder.encode(name), encoder.encode(value)] as const);
    const labelSizes = encoded.map(([name, value]) => fieldSize(name.length) + fieldSize(value.length));
    const sampleSizes = Array.from(times, (time) => 1 + 8 + 1 + varintSize(time));
    const size = labelSizes.reduce((sum, one) => sum + fieldSize(one), 0) + sampleSizes.reduce((sum, one) => sum + fieldSize(one), 0);
    return { encoded, labelSizes, sampleSizes, size };
  });
  const writer = new ProtoWriter(measured.reduce((sum, { size }) => sum + fieldSize(size), 0));
  series.forEach(({ times, values }, s) => {
    const { encoded, labelSizes, sampleSizes, size } = measured[s]!;
    writer.field(1, size);
    encoded.forEach(([name, value], l) => {
      writer.field(1, labelSizes[l]!);
      writer.field(1, name.length);
      writer.raw(name);
      writer.field(2, value.length);
      writer.raw(value);
    });
    for (let i = 0; i < times.length; i++) writer.sample(sampleSizes[i]!, values[i]!, times[i]!);
  });
  return writer.bytes;
}

/** The request body as sent: the WriteRequest, snappy-compressed. */
export const writeRequestBody = (series: readonly WriteSeries[]): Uint8Array<ArrayBuffer> => SnappyJS.compress(encodeWriteRequest(series));
