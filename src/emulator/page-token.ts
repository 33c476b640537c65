// Opaque NextPageTokens bound to the request that produced them. A token also pins the data's
// point in time, so every page of one answer sees the same numbers.
import { createHash, createHmac } from 'node:crypto';
import { isJsonObject, type JsonObject } from './request.js';
import { ServiceError } from './service-error.js';

const SECRET = 'bedrock-usage-exporter emulator page tokens';

export interface PageCursor {
  offset: number;
  asOfMs: number;
  /** 1-based number of the page this token asks for. */
  page: number;
}

/** A digest of the request without its NextPageToken. */
export function requestKey(operation: string, body: JsonObject): string {
  const { NextPageToken: _ignored, ...rest } = body;
  return createHash('sha256').update(`${operation}\n${canonicalJson(rest)}`).digest('base64url').slice(0, 16);
}

export function encodePageToken(key: string, cursor: PageCursor): string {
  const payload = Buffer.from(JSON.stringify({ k: key, o: cursor.offset, t: cursor.asOfMs, p: cursor.page })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** The cursor a request's NextPageToken carries, if any; throws the service's errors for bad or stale tokens. */
export function readPageToken(token: unknown, key: string): PageCursor | undefined {
  if (token == null || token === '') return undefined;
  const decoded = decode(token);
  if (!decoded) throw new ServiceError('InvalidNextTokenException', 'The NextPageToken is not valid.');
  if (decoded.key !== key) {
    throw new ServiceError('RequestChangedException', 'The request changed since the NextPageToken was issued; start again without a NextPageToken.');
  }
  return decoded.cursor;
}

/** The page a request asks for (1 when it has no token or a bad one), for fault rules. */
export function pageNumberOf(token: unknown): number {
  return decode(token)?.cursor.page ?? 1;
}

function decode(token: unknown): { key: string; cursor: PageCursor } | undefined {
  if (typeof token !== 'string') return undefined;
  const [payload, signature, extra] = token.split('.');
  if (!payload || extra !== undefined || signature !== sign(payload)) return undefined;
  // Signed by us, so well-formed.
  const { k, o, t, p } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { k: string; o: number; t: number; p: number };
  return { key: k, cursor: { offset: o, asOfMs: t, page: p } };
}

function sign(payload: string): string {
  return createHmac('sha256', SECRET).update(payload).digest('base64url').slice(0, 22);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
