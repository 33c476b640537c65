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

const encoder = new TextEncoder();

class ProtoWriter {
  readonly #bytes: number[] = [];

  varint(value: number): void {
    // Lengths and millisecond timestamps: whole numbers from 0 to 2^53 (a negative int64 takes ten bytes; none is sent).
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint this writer takes: ${value}`);
    while (value >= 0x80) {
      this.#bytes.push((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.#bytes.push(value);
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  bytes(field: number, bytes: ArrayLike<number>): void {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.#bytes.push(bytes[i]!);
  }

  /** A double as 8 little-endian bytes; null writes Prometheus' staleness marker, a NaN with its own bits. */
  double(field: number, value: number | null): void {
    this.tag(field, FIXED64);
    const view = new DataView(new ArrayBuffer(8));
    if (value === null) view.setBigUint64(0, 0x7ff0000000000002n, true);
    else view.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.#bytes.push(view.getUint8(i));
  }

  result(): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(this.#bytes);
  }
}

function encodeLabel(name: string, value: string): Uint8Array<ArrayBuffer> {
  const writer = new ProtoWriter();
  writer.bytes(1, encoder.encode(name));
  writer.bytes(2, encoder.encode(value));
  return writer.result();
}

function encodeSample(value: number | null, time: number): Uint8Array<ArrayBuffer> {
  const writer = new ProtoWriter();
  writer.double(1, value);
  writer.tag(2, VARINT);
  writer.varint(time);
  return writer.result();
}

/** The uncompressed WriteRequest; labels sorted by name, as receivers require. */
export function encodeWriteRequest(series: readonly WriteSeries[]): Uint8Array<ArrayBuffer> {
  const request = new ProtoWriter();
  for (const { labels, times, values } of series) {
    const one = new ProtoWriter();
    for (const [name, value] of [...labels].sort(([a], [b]) => (a < b ? -1 : 1))) one.bytes(1, encodeLabel(name, value));
    for (let i = 0; i < times.length; i++) one.bytes(2, encodeSample(values[i]!, times[i]!));
    request.bytes(1, one.result());
  }
  return request.result();
}

/** The request body as sent: the WriteRequest, snappy-compressed. */
export const writeRequestBody = (series: readonly WriteSeries[]): Uint8Array<ArrayBuffer> => SnappyJS.compress(encodeWriteRequest(series));
