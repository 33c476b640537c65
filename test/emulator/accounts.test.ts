// Other accounts in the emulator, with the real SDKs: STS AssumeRole (Query protocol) into one of the
// data set's accounts gives keys that read that account's CloudWatch, and a monitoring account sees
// every account's metrics (cross-account observability), each result naming its account.
import { CloudWatchClient, GetMetricDataCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import t, { type Test } from 'tap';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { LIVE_QUERIES } from '../../src/sources/live/source.js';
import { dayStartMs } from '../../src/time.js';

const TODAY = '2026-11-20';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const DATASET = generateDataset({ seed: 4, size: 'demo', today: TODAY });
const [FIRST, SECOND] = DATASET.accounts.map((account) => account.id);

async function emulator(t: Test, monitoringAccount?: string) {
  const running = await startEmulator({ dataset: DATASET, clock: () => NOW, ...(monitoringAccount ? { monitoringAccount } : {}) });
  t.teardown(() => running.close());
  return running;
}

const client = <C extends { destroy(): void }>(t: Test, make: () => C): C => {
  const made = make();
  t.teardown(() => made.destroy());
  return made;
};

/** The accounts whose metrics a caller's SEARCH returns in us-east-1, each with its number of results. */
async function accountsSeen(t: Test, endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): Promise<Map<string, number>> {
  const cloudwatch = client(t, () => new CloudWatchClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 }));
  const answer = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(dayStartMs(TODAY)),
      EndTime: NOW,
      MetricDataQueries: LIVE_QUERIES.map(({ id, expression, label }) => ({ Id: id, Expression: expression, Label: label })),
    }),
  );
  const seen = new Map<string, number>();
  for (const result of answer.MetricDataResults ?? []) {
    const account = result.Label!.split('|')[0]!;
    seen.set(account, (seen.get(account) ?? 0) + 1);
  }
  return seen;
}

t.test('a role assumed in another account reads that account\'s metrics', async (t) => {
  t.ok(SECOND, 'the data set has more than one account');
  const running = await emulator(t);
  const sts = client(t, () => new STSClient({ region: 'us-east-1', endpoint: running.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 }));
  const roleArn = `arn:aws:iam::${SECOND}:role/bedrock-usage-exporter`;
  const { Credentials, AssumedRoleUser } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'bedrock-usage-exporter', DurationSeconds: 900 }));
  t.equal(AssumedRoleUser?.Arn, `arn:aws:sts::${SECOND}:assumed-role/bedrock-usage-exporter/bedrock-usage-exporter`);
  const expiresIn = (keys: typeof Credentials) => keys!.Expiration!.getTime() - Date.now();
  t.ok(Math.abs(expiresIn(Credentials) - 900_000) < 60_000, 'expires when asked, by the wall clock');
  const assumed = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  t.same([...(await accountsSeen(t, running.url, assumed)).keys()], [SECOND], 'the role\'s account only');
  t.same([...(await accountsSeen(t, running.url, { accessKeyId: 'x', secretAccessKey: 'y' })).keys()], [FIRST], 'the caller\'s own');

  await t.rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::999999999999:role/elsewhere', RoleSessionName: 'bedrock-usage-exporter' })), {
    name: 'AccessDenied',
    message: /not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role\/elsewhere/,
  });
  await t.rejects(sts.send(new AssumeRoleCommand({ RoleArn: 'not-an-arn', RoleSessionName: 'bedrock-usage-exporter' })), { name: 'ValidationError' });
  await t.rejects(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x' })), { name: 'ValidationError', message: /roleSessionName/ });
  const hourLong = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'bedrock-usage-exporter' }));
  t.ok(Math.abs(expiresIn(hourLong.Credentials) - 3_600_000) < 60_000, 'an hour by default');
  running.faults.add({ fault: 'throttle', operation: 'AssumeRole', count: 1 });
  await t.rejects(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'bedrock-usage-exporter' })), { name: 'Throttling' });
  running.faults.add({ fault: 'http_500', operation: 'AssumeRole', count: 1 });
  await t.rejects(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'bedrock-usage-exporter' })), { name: 'InternalFailure', $fault: 'server' });
  running.faults.add({ fault: 'hang', operation: 'AssumeRole', count: 1 });
  await t.rejects(sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'bedrock-usage-exporter' })), { name: 'InternalFailure', message: /hang fault on STS/ });
});

t.test('STS answers other actions and missing members as the Query protocol does', async (t) => {
  const running = await emulator(t);
  const ask = async (form: string) => {
    const answer = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    return { status: answer.status, body: await answer.text() };
  };
  t.match(await ask('Action=GetCallerIdentity&Version=2011-06-15'), { status: 400, body: /<Type>Sender<\/Type><Code>InvalidAction<\/Code>/ });
  t.match(await ask('Version=2011-06-15'), { status: 400, body: /The action \(none\) is not valid/ });
  t.match(await ask('Action=AssumeRole&Version=2011-06-15'), { status: 400, body: /<Code>ValidationError<\/Code><Message>[^<]*Value &#39;&#39; at &#39;roleArn&#39;/ });
});

t.test('a monitoring account sees every account\'s metrics; ListMetrics names their owners when asked', async (t) => {
  const running = await emulator(t, FIRST);
  const seen = await accountsSeen(t, running.url, { accessKeyId: 'x', secretAccessKey: 'y' });
  const withMinutes = new Set(DATASET.itemsOn(TODAY, NOW).filter((item) => item.truth.kind === 'tokens' && item.region === 'us-east-1').map((item) => item.account));
  t.same(new Set(seen.keys()), withMinutes, 'every account with Bedrock calls in the region');
  t.ok(seen.size > 1);

  const cloudwatch = client(t, () => new CloudWatchClient({ region: 'us-east-1', endpoint: running.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 }));
  const own = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/Bedrock' }));
  t.equal(own.OwningAccounts, undefined, 'without IncludeLinkedAccounts, its own metrics');
  const linked = await cloudwatch.send(new ListMetricsCommand({ Namespace: 'AWS/Bedrock', IncludeLinkedAccounts: true }));
  t.same(new Set(linked.OwningAccounts), withMinutes);
  t.ok(linked.Metrics!.length > own.Metrics!.length);

  const source = await emulator(t, FIRST);
  const asSecond = await accountsSeen(t, source.url, { accessKeyId: `AKIAEXAMPLE${SECOND}`, secretAccessKey: 'y' });
  t.same([...asSecond.keys()], [SECOND], 'a source account sees only its own');
});
