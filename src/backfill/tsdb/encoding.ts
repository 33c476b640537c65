// The integer and string encodings of Prometheus' TSDB files (big-endian fixed widths, Go's varints)
// and the CRC32 (Castagnoli) that guards each section. Numbers stay below 2^53, which holds for
// millisecond timestamps, file offsets and counts.

const CASTAGNOLI = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CASTAGNOLI[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const TWO_32 = 2 ** 32;

/** A growing byte buffer with the TSDB's encodings. */
export class Encoder {
  #bytes = Buffer.allocUnsafe(4096);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  #room(n: number): void {
    if (this.#length + n <= this.#bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#bytes.length * 2, this.#length + n));
    this.#bytes.copy(bigger, 0, 0, this.#length);
    this.#bytes = bigger;
  }

  byte(value: number): this {
    this.#room(1);
    this.#bytes[this.#length++] = value;
    return this;
  }

  be32(value: number): this {
    this.#room(4);
    this.#bytes.writeUInt32BE(value >>> 0, this.#length);
    this.#length += 4;
    return this;
  }

  be64(value: number): this {
    return this.be32(Math.floor(value / TWO_32)).be32(value % TWO_32);
  }

  uvarint(value: number): this {
    this.#room(10);
    while (value >= 0x80) {
      this.#bytes[this.#length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.#bytes[this.#length++] = value;
    return this;
  }

  /** Go's zig-zag varint. */
  varint(value: number): this {
    return this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  bytes(value: Uint8Array): this {
    this.#room(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
    return this;
  }

  /** A string as its UTF-8 length and bytes. */
  string(value: string): this {
    const utf8 = Buffer.from(value, 'utf8');
    return this.uvarint(utf8.length).bytes(utf8);
  }

  /** Zero bytes until `base + length` is a multiple of `alignment`. */
  pad(alignment: number, base = 0): this {
    while ((base + this.#length) % alignment !== 0) this.byte(0);
    return this;
  }

  /** The bytes so far (a view: valid until the next write). */
  view(): Buffer {
    return this.#bytes.subarray(0, this.#length);
  }

  reset(): void {
    this.#length = 0;
  }
}
