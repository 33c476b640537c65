import bcrypt from 'bcryptjs';
import t from 'tap';
import { createBasicAuth, parseBasicAuthorization, type PasswordCompare } from '../../src/web/basic-auth.js';

const basic = (credentials: string): string => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

/** Real bcrypt, counted, with the hashes it was asked about. */
function countingCompare(): PasswordCompare & { hashes: string[] } {
  const hashes: string[] = [];
  const compare = async (password: string, hash: string): Promise<boolean> => {
    hashes.push(hash);
    return bcrypt.compare(password, hash);
  };
  return Object.assign(compare, { hashes });
}

t.test('parses RFC 7617 credentials', async (t) => {
  t.same(parseBasicAuthorization(basic('alice:secret')), { user: 'alice', password: 'secret' });
  t.same(parseBasicAuthorization(basic('alice:se:cr:et')), { user: 'alice', password: 'se:cr:et' }, 'the password may hold colons');
  t.same(parseBasicAuthorization(basic('alice:')), { user: 'alice', password: '' });
  t.same(parseBasicAuthorization(basic('jürgen:pässword')), { user: 'jürgen', password: 'pässword' }, 'UTF-8');
  t.same(parseBasicAuthorization(`bAsIc   ${Buffer.from('a:b').toString('base64')} `), { user: 'a', password: 'b' }, 'the scheme is case-insensitive');
});

t.test('refuses what is not well-formed Basic', async (t) => {
  for (const header of ['', 'Basic', 'Basic ', basic('no-colon'), 'Bearer abc', 'Basic !!!!', 'Basic YWxpY2U6c2VjcmV0=', 'Basic YWxp=Y2U6', 'Basic YWxpY2U6c2VjcmV0 extra', `Digest ${basic('a:b')}`]) {
    t.equal(parseBasicAuthorization(header), undefined, JSON.stringify(header));
  }
});

t.test('htpasswd $2y$ hashes, and $2b$ and $2a$, verify with bcryptjs', async (t) => {
  // From the exporter-toolkit's own test data (web/testdata/web_config_users_noTLS.good.yml): dave / dave123, made by Go's bcrypt.
  const check = createBasicAuth(new Map([['dave', '$2y$10$2UXri9cIDdgeKjBo4Rlpx.U3ZLDV8X1IxKmsfOvhcM5oXQt/mLmXq']]));
  t.equal(await check(basic('dave:dave123')), 'ok');
  t.equal(await check(basic('dave:dave1234')), 'wrong password');
  const b = bcrypt.hashSync('pw', 4);
  const users = new Map([['b', b], ['a', b.replace('$2b$', '$2a$')], ['y', b.replace('$2b$', '$2y$')]]);
  const checkAll = createBasicAuth(users);
  for (const user of users.keys()) t.equal(await checkAll(basic(`${user}:pw`)), 'ok', user);
});

t.test('a successful check is remembered; failures are not', async (t) => {
  const compare = countingCompare();
  const check = createBasicAuth(new Map([['alice', bcrypt.hashSync('secret', 4)]]), { compare });
  t.equal(await check(basic('alice:secret')), 'ok');
  t.equal(compare.hashes.length, 1);
  t.equal(await check(basic('alice:secret')), 'ok');
  t.equal(compare.hashes.length, 1, 'the second scrape skips bcrypt');
  t.equal(await check(basic('alice:wrong')), 'wrong password');
  t.equal(await check(basic('alice:wrong')), 'wrong password');
  t.equal(compare.hashes.length, 3, 'every wrong password pays bcrypt');
});

t.test('the cache is bounded', async (t) => {
  const compare = countingCompare();
  const hash = bcrypt.hashSync('secret', 4);
  const check = createBasicAuth(new Map([['alice', hash], ['bob', hash]]), { compare, cacheSize: 1 });
  await check(basic('alice:secret'));
  await check(basic('bob:secret'));
  t.equal(await check(basic('alice:secret')), 'ok');
  t.equal(compare.hashes.length, 3, 'alice was evicted by bob and checked again');
});

t.test('an unknown user is checked against a dummy hash as costly as the real ones', async (t) => {
  const compare = countingCompare();
  const users = new Map([['alice', bcrypt.hashSync('secret', 4)], ['bob', bcrypt.hashSync('other', 6)]]);
  const check = createBasicAuth(users, { compare });
  t.equal(await check(basic('mallory:secret')), 'unknown user');
  t.equal(compare.hashes.length, 1, 'bcrypt ran although the user does not exist');
  const dummy = compare.hashes[0]!;
  t.notOk([...users.values()].includes(dummy), 'not a real user hash');
  t.equal(bcrypt.getRounds(dummy), 6, 'the highest configured cost');
  t.equal(await check(basic('mallory:secret')), 'unknown user');
  t.equal(compare.hashes.length, 2, 'never cached');
  t.equal(await check(basic('alice:other')), 'wrong password', "another user's password does not open alice");
});

t.test('an unknown user fails even when the dummy check says yes', async (t) => {
  const check = createBasicAuth(new Map([['alice', bcrypt.hashSync('secret', 4)]]), { compare: async () => true });
  t.equal(await check(basic('mallory:anything')), 'unknown user');
  t.equal(await check(basic('alice:anything')), 'ok');
});

t.test('no users: every login is unknown', async (t) => {
  const compare = countingCompare();
  const check = createBasicAuth(new Map(), { compare });
  t.equal(await check(basic('alice:secret')), 'unknown user');
  t.equal(bcrypt.getRounds(compare.hashes[0]!), 4);
});

t.test('missing and malformed headers never reach bcrypt', async (t) => {
  const compare = countingCompare();
  const check = createBasicAuth(new Map([['alice', bcrypt.hashSync('secret', 4)]]), { compare });
  t.equal(await check(undefined), 'missing');
  t.equal(await check('Bearer token'), 'malformed');
  t.equal(compare.hashes.length, 0);
});
