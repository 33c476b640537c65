// A remote-write receiver stand-in on 127.0.0.1: keeps every request (headers, body) and answers as
// the test says, so a test can see what backfill sent, in which order, and how it took a refusal.
// Also reads a request body back (snappy, then the WriteRequest protobuf), to look inside it.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import SnappyJS from 'snappyjs';
import type { Test } from 'tap';
import type { WriteSeries } from '../../src/backfill/remote-write/write-request.js';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answers this much later. */
  delayMs?: number;
}

/** Listens until the test ends; `answer` says what the n-th request (from 0) gets. */
export async function receiver(t: Test, answer: (n: number) => Answer = () => ({ status: 204 })): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { status, body = '', headers = {}, delayMs = 0 } = answer(received.length);
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      const timer = setTimeout(() => res.writeHead(status, headers).end(body), delayMs);
      res.on('close', () => clearTimeout(timer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`, received };
}

/** The series of a request body, staleness markers as null. */
export function decodeWriteRequest(body: Uint8Array): WriteSeries[] {
  const bytes = SnappyJS.uncompress(new Uint8Array(body));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Each message as [field number, wire type, start, end] of its fields (varints as their value in `start`).
  const fields = (start: number, end: number): Array<{ field: number; value: number; from: number; to: number }> => {
    const out = [];
    let at = start;
    const varint = (): number => {
      let value = 0;
      for (let scale = 1; ; scale *= 128) {
        const byte = bytes[at++]!;
        value += (byte & 0x7f) * scale;
        if (byte < 0x80) return value;
      }
    };
    while (at < end) {
      const key = varint();
      const [field, type] = [key >> 3, key & 7];
      if (type === 0) out.push({ field, value: varint(), from: at, to: at });
      else if (type === 1) {
        out.push({ field, value: 0, from: at, to: at + 8 });
        at += 8;
      } else if (type === 2) {
        const length = varint();
        out.push({ field, value: length, from: at, to: at + length });
        at += length;
      } else throw new Error(`wire type ${type}`);
    }
    return out;
  };
  const text = (from: number, to: number) => new TextDecoder().decode(bytes.subarray(from, to));
  return fields(0, bytes.length).map((series) => {
    const labels: Array<[string, string]> = [];
    const times: number[] = [];
    const values: Array<number | null> = [];
    for (const part of fields(series.from, series.to)) {
      const inner = fields(part.from, part.to);
      if (part.field === 1) labels.push([text(inner[0]!.from, inner[0]!.to), text(inner[1]!.from, inner[1]!.to)]);
      else {
        const double = inner.find((f) => f.field === 1)!;
        values.push(view.getBigUint64(double.from, true) === 0x7ff0000000000002n ? null : view.getFloat64(double.from, true));
        times.push(inner.find((f) => f.field === 2)?.value ?? 0);
      }
    }
    return { labels, times, values };
  });
}
