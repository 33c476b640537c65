// Bedrock's per-minute token quotas from Service Quotas, with the real SDK against the emulator: every
// model's on-demand, cross-Region and global quota read by name into the bill's model, for the account
// the credentials belong to; a region's list held for a while; failures one line.
import { ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import t, { type Test } from 'tap';
import type { AwsRequest } from '../../src/aws/requests.js';
import { generateDataset } from '../../src/emulator/dataset.js';
import { QUOTA_MODEL_NAMES } from '../../src/emulator/live/quotas.js';
import { startEmulator } from '../../src/emulator/server.js';
import { ServiceQuotas } from '../../src/service-quotas/token-quotas.js';
import { answering } from '../helpers/stand-in.js';

const DATASET = generateDataset({ seed: 4, size: 'small', today: '2026-11-20' });
const NOW = new Date('2026-11-20T12:00:00Z');
const [FIRST, SECOND] = DATASET.accounts.map((account) => account.id);

async function setup(t: Test, accessKeyId = 'x') {
  const emulator = await startEmulator({ dataset: DATASET, clock: () => NOW });
  const requests: AwsRequest[] = [];
  const quotas = new ServiceQuotas({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 5, relistAfterMs: 3_600_000, onRequest: (request) => requests.push(request), endpoint: emulator.url, credentials: { accessKeyId, secretAccessKey: 'y' } });
  t.teardown(async () => {
    quotas.destroy();
    await emulator.close();
  });
  return { emulator, quotas, requests };
}

t.test("every model's per-minute token quota in each scope, named as the bill names the model", async (t) => {
  const { quotas, requests } = await setup(t);
  const read = await quotas.tokenQuotas('eu-west-1', NOW);
  const expected = Object.entries(QUOTA_MODEL_NAMES).flatMap(([model, { global }]) => ['on_demand', 'cross_region', ...(global ? ['global'] : [])].map((scope) => `${model}|${scope}`));
  t.same(read.map((quota) => `${quota.model}|${quota.scope}`).sort(), expected.sort(), 'each model and scope once; requests, daily, long-context and batch quotas left out');
  t.ok(read.every((quota) => quota.account === FIRST), 'the account of the credentials');
  t.ok(read.every((quota) => quota.tokensPerMinute >= 100_000 && quota.provider !== 'unknown'));
  const sonnet = read.filter((quota) => quota.model === 'claude-sonnet-4.5');
  t.ok(sonnet.find((quota) => quota.scope === 'cross_region')!.tokensPerMinute === 2 * sonnet.find((quota) => quota.scope === 'on_demand')!.tokensPerMinute, 'cross-Region twice on-demand, as the emulator sets them');
  t.same(requests, [{ api: 'service_quotas', operation: 'ListServiceQuotas', outcome: 'success', costUsd: 0 }], 'one request, free');
  t.equal(await quotas.tokenQuotas('eu-west-1', new Date(NOW.getTime() + 3_000_000)), read, 'held for an hour');
  t.equal(requests.length, 1);
  await quotas.tokenQuotas('eu-west-1', new Date(NOW.getTime() + 3_600_000));
  t.equal(requests.length, 2, 'then listed again');
});

t.test("another account's keys: its own quotas", async (t) => {
  const { quotas } = await setup(t, `ASIAEMUL${SECOND}`);
  const read = await quotas.tokenQuotas('us-east-1', NOW);
  t.ok(read.length > 0 && read.every((quota) => quota.account === SECOND));
});

t.test('the emulator pages, and refuses what Service Quotas refuses', async (t) => {
  const { emulator, quotas } = await setup(t);
  const client = new ServiceQuotasClient({ region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
  t.teardown(() => client.destroy());
  const names: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await client.send(new ListServiceQuotasCommand({ ServiceCode: 'bedrock', MaxResults: 10, NextToken: token }));
    names.push(...(page.Quotas ?? []).map((quota) => quota.QuotaName!));
    token = page.NextToken;
    pages++;
  } while (token !== undefined);
  t.ok(pages > 5, `${pages} pages of 10`);
  t.equal(new Set(names).size, names.length, 'each quota once');
  const whole = await client.send(new ListServiceQuotasCommand({ ServiceCode: 'bedrock' }));
  t.same(whole.Quotas!.map((quota) => quota.QuotaName), names, 'the same list in one page');
  await t.rejects(client.send(new ListServiceQuotasCommand({ ServiceCode: 'nope' })), { name: 'NoSuchResourceException' });
  await t.rejects(client.send(new ListServiceQuotasCommand({ ServiceCode: 'bedrock', MaxResults: 500 })), { name: 'ValidationException' });
  for (const token of ['-', '-z']) await t.rejects(client.send(new ListServiceQuotasCommand({ ServiceCode: 'bedrock', NextToken: token })), { name: 'InvalidPaginationTokenException' });
  const second = (await client.send(new ListServiceQuotasCommand({ ServiceCode: 'bedrock', MaxResults: 10 }))).NextToken;
  await t.rejects(client.send(new ListServiceQuotasCommand({ ServiceCode: 'bedrock', MaxResults: 20, NextToken: second })), { name: 'InvalidPaginationTokenException' }, 'a token belongs to its request');
  emulator.faults.add({ fault: 'http_500', operation: 'ListServiceQuotas', page: 2, count: 1 });
  await t.rejects(client.send(new ListServiceQuotasCommand({ ServiceCode: 'bedrock', MaxResults: 10, NextToken: second })), { name: 'InternalFailure' }, 'a fault on the second page');
  emulator.faults.add({ fault: 'expired_token', operation: 'ListServiceQuotas', count: 1 });
  await t.rejects(quotas.tokenQuotas('ap-south-1', NOW), { code: 'BUE_ERR_AWS_CREDENTIALS', message: /^AWS refused the credentials \(ExpiredTokenException: / }, 'one line');
});

t.test('a page without quotas, and quotas without a name, an ARN or a value, are left out', async (t) => {
  const name = 'On-demand InvokeModel tokens per minute for Amazon Nova Pro';
  const arn = `arn:aws:servicequotas:us-east-1:${FIRST}:bedrock/L-00000001`;
  const answers = [{ NextToken: 'more' }, { Quotas: [{ QuotaName: name, QuotaArn: arn, Value: 1000 }, { QuotaArn: arn, Value: 1 }, { QuotaName: name, Value: 2 }, { QuotaName: name, QuotaArn: arn }, { QuotaName: name, QuotaArn: 'arn:aws:iam::role/x', Value: 3 }] }];
  const endpoint = await answering(t, answers.map((answer) => JSON.stringify(answer)), 'application/x-amz-json-1.1');
  const quotas = new ServiceQuotas({ maxAttempts: 1, requestTimeoutMs: 5_000, maxPages: 5, relistAfterMs: 0, onRequest: () => {}, endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  t.teardown(() => quotas.destroy());
  t.same(await quotas.tokenQuotas('us-east-1', NOW), [{ account: FIRST, scope: 'on_demand', model: 'nova-pro', provider: 'amazon', tokensPerMinute: 1000 }]);
});
