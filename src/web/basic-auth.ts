import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { LRUCache } from 'lru-cache';

export interface Credentials {
  user: string;
  password: string;
}

/** RFC 7617 `Basic` credentials; undefined when the header is not well-formed. */
export function parseBasicAuthorization(header: string): Credentials | undefined {
  const token = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header)?.[1];
  if (token === undefined || token.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export type PasswordCompare = (password: string, hash: string) => Promise<boolean>;

export type AuthOutcome = 'ok' | 'missing' | 'malformed' | 'unknown user' | 'wrong password';

export interface BasicAuthOptions {
  /** bcrypt by default; tests inject a counting one. */
  compare?: PasswordCompare;
  /** How many successful checks to remember. */
  cacheSize?: number;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();
const cost = (hash: string): number => Number(hash.slice(4, 6));

/**
 * A checker for the Authorization header. bcrypt is slow on purpose, so a successful check is remembered
 * (keyed by an HMAC of user, password and hash, so no password sits in memory in the clear), and an unknown
 * user is checked against a dummy hash of the highest configured cost, so a failure takes as long whether
 * or not the user exists.
 */
export function createBasicAuth(users: ReadonlyMap<string, string>, options: BasicAuthOptions = {}): (authorization: string | undefined) => Promise<AuthOutcome> {
  const compare = options.compare ?? bcrypt.compare;
  const accounts = [...users].map(([user, hash]) => ({ digest: sha256(user), hash }));
  const dummyHash = bcrypt.hash(randomBytes(24).toString('base64'), Math.max(4, ...[...users.values()].map(cost)));
  const cacheKey = randomBytes(32);
  const verified = new LRUCache<string, true>({ max: options.cacheSize ?? 1000 });

  // Every account is compared, with no early exit, so the time taken does not depend on which name matched.
  const hashOf = (user: string): string | undefined => {
    const wanted = sha256(user);
    let found: string | undefined;
    for (const account of accounts) if (timingSafeEqual(account.digest, wanted)) found = account.hash;
    return found;
  };

  return async (authorization) => {
    if (authorization === undefined) return 'missing';
    const credentials = parseBasicAuthorization(authorization);
    if (!credentials) return 'malformed';
    const hash = hashOf(credentials.user);
    const remembered = createHmac('sha256', cacheKey).update(JSON.stringify([credentials.user, credentials.password, hash])).digest('base64');
    if (hash !== undefined && verified.has(remembered)) return 'ok';
    const matches = await compare(credentials.password, hash ?? (await dummyHash));
    if (hash === undefined) return 'unknown user';
    if (!matches) return 'wrong password';
    verified.set(remembered, true);
    return 'ok';
  };
}
