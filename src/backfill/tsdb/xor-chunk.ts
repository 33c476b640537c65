// Prometheus' XOR chunk (Gorilla compression): a 2-byte sample count, then a bit stream of the
// first timestamp and value, then delta-of-delta timestamps and XOR-ed values. The encoding is the
// one Prometheus' chunkenc writes, so its reader and its compactor take our chunks as their own.

const float = new DataView(new ArrayBuffer(8));

/** Number of trailing zero bits of a non-zero 32-bit integer. */
const ctz32 = (x: number): number => 31 - Math.clz32(x & -x);

class BitWriter {
  #bytes = new Uint8Array(256);
  #length = 0;
  /** Bits still free in the last byte, 0 when it is full. */
  #free = 0;

  /** The low `n` bits of `value` (n <= 32), most significant first. */
  write(value: number, n: number): void {
    while (n > 0) {
      if (this.#free === 0) {
        if (this.#length === this.#bytes.length) {
          const bigger = new Uint8Array(this.#bytes.length * 2);
          bigger.set(this.#bytes);
          this.#bytes = bigger;
        }
        this.#bytes[this.#length++] = 0;
        this.#free = 8;
      }
      const k = Math.min(n, this.#free);
      const bits = (value >>> (n - k)) & ((1 << k) - 1);
      this.#bytes[this.#length - 1]! |= bits << (this.#free - k);
      this.#free -= k;
      n -= k;
    }
  }

  /** Go's varints, written as whole bytes of the stream. */
  uvarint(value: number): void {
    while (value >= 0x80) {
      this.write((value % 0x80) | 0x80, 8);
      value = Math.floor(value / 0x80);
    }
    this.write(value, 8);
  }

  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }
}

/** Samples a chunk holds at most, as Prometheus cuts them. */
export const SAMPLES_PER_CHUNK = 120;

export class XorChunk {
  readonly #bits = new BitWriter();
  #count = 0;
  #t = 0;
  #tDelta = 0;
  #hi = 0;
  #lo = 0;
  #leading = 0xff;
  #trailing = 0;
  minTime = 0;
  maxTime = 0;

  constructor() {
    this.#bits.write(0, 16); // the count, set in bytes()
  }

  get count(): number {
    return this.#count;
  }

  /** A sample later than the last one. */
  append(t: number, v: number): void {
    float.setFloat64(0, v);
    const hi = float.getUint32(0);
    const lo = float.getUint32(4);
    if (this.#count === 0) {
      this.#bits.uvarint(t >= 0 ? t * 2 : -t * 2 - 1);
      this.#bits.write(hi, 32);
      this.#bits.write(lo, 32);
      this.minTime = t;
    } else {
      const tDelta = t - this.#t;
      if (this.#count === 1) this.#bits.uvarint(tDelta);
      else this.#writeDod(tDelta - this.#tDelta);
      this.#writeValue(hi, lo);
      this.#tDelta = tDelta;
    }
    this.#t = t;
    this.maxTime = t;
    this.#hi = hi;
    this.#lo = lo;
    this.#count++;
  }

  #writeDod(dod: number): void {
    const bits = this.#bits;
    if (dod === 0) bits.write(0, 1);
    else if (-8191 <= dod && dod <= 8192) {
      bits.write(0b10, 2);
      bits.write(dod & 0x3fff, 14);
    } else if (-65535 <= dod && dod <= 65536) {
      bits.write(0b110, 3);
      bits.write(dod & 0x1ffff, 17);
    } else if (-524287 <= dod && dod <= 524288) {
      bits.write(0b1110, 4);
      bits.write(dod & 0xfffff, 20);
    } else {
      const twos = BigInt.asUintN(64, BigInt(dod));
      bits.write(0b1111, 4);
      bits.write(Number(twos >> 32n), 32);
      bits.write(Number(twos & 0xffffffffn), 32);
    }
  }

  #writeValue(hi: number, lo: number): void {
    const bits = this.#bits;
    const dHi = (hi ^ this.#hi) >>> 0;
    const dLo = (lo ^ this.#lo) >>> 0;
    if (dHi === 0 && dLo === 0) {
      bits.write(0, 1);
      return;
    }
    bits.write(1, 1);
    // Prometheus clamps the leading zeros to 31 so that they fit in 5 bits.
    const leading = Math.min(dHi !== 0 ? Math.clz32(dHi) : 32 + Math.clz32(dLo), 31);
    const trailing = dLo !== 0 ? ctz32(dLo) : 32 + ctz32(dHi);
    if (this.#leading !== 0xff && leading >= this.#leading && trailing >= this.#trailing) {
      bits.write(0, 1);
      this.#writeSignificant(dHi, dLo, this.#leading, this.#trailing);
      return;
    }
    this.#leading = leading;
    this.#trailing = trailing;
    const significant = 64 - leading - trailing;
    bits.write(1, 1);
    bits.write(leading, 5);
    bits.write(significant & 0x3f, 6); // 64 significant bits are written as 0
    this.#writeSignificant(dHi, dLo, leading, trailing);
  }

  /** Bits 63-leading down to trailing of the 64-bit (hi, lo). */
  #writeSignificant(hi: number, lo: number, leading: number, trailing: number): void {
    const n = 64 - leading - trailing;
    let sHi: number;
    let sLo: number;
    if (trailing >= 32) {
      sHi = 0;
      sLo = hi >>> (trailing - 32);
    } else if (trailing === 0) {
      sHi = hi;
      sLo = lo;
    } else {
      sHi = hi >>> trailing;
      sLo = ((lo >>> trailing) | (hi << (32 - trailing))) >>> 0;
    }
    if (n > 32) {
      this.#bits.write(sHi, n - 32);
      this.#bits.write(sLo, 32);
    } else this.#bits.write(sLo, n);
  }

  /** The chunk's bytes, as a chunks file stores them after its encoding byte. */
  bytes(): Uint8Array {
    const bytes = this.#bits.bytes();
    bytes[0] = this.#count >>> 8;
    bytes[1] = this.#count & 0xff;
    return bytes;
  }
}
