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

/** A service's page token member, and the errors it answers a token it did not issue, or issued for another request. */
export interface TokenErrors {
  member: string;
  invalid: string;
  changed: string;
}

const COST_EXPLORER: TokenErrors = { member: 'NextPageToken', invalid: 'InvalidNextTokenException', changed: 'RequestChangedException' };

/** A digest of the request without its page token (`member`: Cost Explorer's NextPageToken, others' NextToken). */
export function requestKey(operation: string, body: JsonObject, member = 'NextPageToken'): string {
  const { [member]: _ignored, ...rest } = body;
  return createHash('sha256').update(`${operation}\n${canonicalJson(rest)}`).digest('base64url').slice(0, 16);
}

export function encodePageToken(key: string, cursor: PageCursor): string {
  const payload = Buffer.from(JSON.stringify({ k: key, o: cursor.offset, t: cursor.asOfMs, p: cursor.page })).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

/** The cursor a request's NextPageToken carries, if any; throws the service's errors for bad or stale tokens. */
export function readPageToken(token: unknown, key: string, errors: TokenErrors = COST_EXPLORER): PageCursor | undefined {
  if (token == null || token === '') return undefined;
  const decoded = decode(token);
  if (!decoded) throw new ServiceError(errors.invalid, `The ${errors.member} is not valid.`);
  if (decoded.key !== key) {
    throw new ServiceError(errors.changed, `The request changed since the ${errors.member} was issued; start again without a ${errors.member}.`);
  }
  return decoded.cursor;
}

/**
 * One page of a request answered from a fixed list, `NextToken` paging: the items from the token's
 * offset and the token for the next page while more remain.
 */
export function nextTokenPage<T>(operation: string, body: JsonObject, items: readonly T[], size: number, errors: Omit<TokenErrors, 'member'>): { page: T[]; nextToken?: string } {
  const key = requestKey(operation, body, 'NextToken');
  const cursor = readPageToken(body.NextToken, key, { member: 'NextToken', ...errors });
  const offset = cursor?.offset ?? 0;
  const next = offset + size;
  return {
    page: items.slice(offset, next),
    ...(next < items.length ? { nextToken: encodePageToken(key, { offset: next, asOfMs: 0, page: (cursor?.page ?? 1) + 1 }) } : {}),
  };
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
