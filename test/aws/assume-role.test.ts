// Keys of a role in another account: asked of STS once for every client of the account, asked again
// shortly before they expire, and a one-line reason when they cannot be had.
import t, { type Test } from 'tap';
import { assumeRole } from '../../src/aws/assume-role.js';
import type { AwsRequest } from '../../src/aws/requests.js';
import { answering } from '../helpers/stand-in.js';

const ROLE = 'arn:aws:iam::111111111111:role/reader';

/** An STS stand-in (Query protocol) that answers each AssumeRole with the next of `answers`, as XML. */
async function sts(t: Test, answers: string[]) {
  const answer = (result: string) => `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>${result}</AssumeRoleResult></AssumeRoleResponse>`;
  const endpoint = await answering(t, answers.map(answer), 'text/xml', answer(''));
  const requests: AwsRequest[] = [];
  const role = assumeRole(ROLE, {
    region: 'us-east-1', maxAttempts: 1, requestTimeoutMs: 5_000, onRequest: (request) => requests.push(request),
    endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  t.teardown(() => role.destroy());
  return { role, requests };
}

const keys = (id: string, expiresInMs: number) =>
  `<Credentials><AccessKeyId>${id}</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>${new Date(Date.now() + expiresInMs).toISOString()}</Expiration></Credentials>`;

t.test('one set of keys while they last, new ones before they expire', async (t) => {
  const { role, requests } = await sts(t, [keys('A', 3_600_000), keys('B', 60_000), keys('C', 3_600_000)]);
  const [first, second] = await Promise.all([role.credentials(), role.credentials()]);
  t.equal(first.accessKeyId, 'A');
  t.equal(second.accessKeyId, 'A', 'clients asking at once share one request');
  t.equal(requests.length, 1);
  t.same(requests[0], { api: 'sts', operation: 'AssumeRole', outcome: 'success', costUsd: 0 }, 'counted, and free');
  t.equal((await role.credentials()).accessKeyId, 'A', 'held while they last');
  t.equal(requests.length, 1);
});

t.test('keys about to expire are renewed; an answer without keys is refused', async (t) => {
  const { role } = await sts(t, [keys('B', 60_000), keys('C', 3_600_000), '<Credentials></Credentials>']);
  t.equal((await role.credentials()).accessKeyId, 'B');
  t.equal((await role.credentials()).accessKeyId, 'C', 'a minute left: asked again');
  const lasting = await sts(t, ['<Credentials><AccessKeyId>D</AccessKeyId><SecretAccessKey>s</SecretAccessKey></Credentials>']);
  t.same(await lasting.role.credentials(), { accessKeyId: 'D', secretAccessKey: 's' }, 'keys without a session token or an end');
  t.same(await lasting.role.credentials(), { accessKeyId: 'D', secretAccessKey: 's' }, 'are held');
  const empty = await sts(t, ['']);
  await t.rejects(empty.role.credentials(), { code: 'BUE_ERR_AWS_ANSWER', message: `cannot assume ${ROLE}: STS answered AssumeRole without keys` });
});
