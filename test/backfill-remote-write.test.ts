// backfill --remote-write end to end: the emulator's history sent to a real Prometheus (Debian's, with
// its remote-write receiver and an out-of-order window) holds every sample the OpenMetrics files hold,
// and its staleness markers end series at once even for a Prometheus that looks back 15 minutes; an
// interrupted backfill run again sends each request once; flags that cannot work are one line.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { BACKFILL_SETTINGS, backfillOptions } from '../src/commands/backfill.js';
import { loadConfig } from '../src/config.js';
import { totals } from '../src/emulator/truth.js';
import { addDays, dayStartMs } from '../src/time.js';
import { backfill, NOW, openMetricsSamples, sampleKey } from './helpers/backfill.js';
import { startPrometheus } from './helpers/prometheus.js';
import { receiver } from './helpers/receiver.js';
import { temporaryFolder } from './helpers/temporary.js';

t.setTimeout(300_000);

const WEEK = 7 * 24 * 3_600_000;

t.test('the history in a Prometheus that takes remote writes: every sample, and series that end where they end', async (t) => {
  const dir = temporaryFolder(t, 'bue-remote-write-');
  const config = join(dir, 'prometheus.yml');
  // Old samples go in through the out-of-order window (the history is up to 13 months old); a lookback
  // three times the history's spacing would show an ended series for 15 more minutes without a marker.
  writeFileSync(config, 'global:\n  scrape_interval: 1m\nstorage:\n  tsdb:\n    out_of_order_time_window: 500d\n');
  // Blocks of 30 days: the head keeps the whole history while the test reads it back, rather than
  // compacting its oldest hours into blocks under the test's queries.
  const prometheus = await startPrometheus(t, { configFile: config, args: ['--web.enable-remote-write-receiver', '--query.lookback-delta=15m', '--storage.tsdb.min-block-duration=30d', '--storage.tsdb.max-block-duration=30d'] });
  const position = join(dir, 'position.json');
  const args = ['--from=2026-10-31', '--until=2026-11-20T00:00:00Z', `--output=${join(dir, 'om')}`, `--remote-write=${prometheus.url}/api/v1/write`, `--remote-write.position=${position}`, '--rules=prometheus/rules/recording.yml', '--rules-from=2026-11-16'];
  const { code, stderr, dataset, error } = await backfill(t, args);
  t.equal(code, 0, `${stderr} ${error}`);
  t.match(stderr, /^history 2026-11-\d\d\.\.2026-11-\d\d written, \d+ requests sent$/m, 'progress, week by week');
  t.match(stderr, /^\d+ samples in .*om, sent to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write \((\d+) with the staleness markers, in \d+ requests so far\)$/m);
  t.match(JSON.parse(readFileSync(position, 'utf8')), { done: true, from: '2026-10-31', untilMs: dayStartMs('2026-11-20') }, 'the position says all was sent');

  // Every week of the files, sample by sample, as Prometheus holds it (raw samples: markers are not samples).
  const weeks = readdirSync(join(dir, 'om')).sort();
  t.equal(weeks.length, 4);
  for (const week of weeks) {
    const inFile = openMetricsSamples(join(dir, 'om', week));
    // A week's file holds the samples written in its block's span, [start, start + 7 days): the 7-day
    // blocks since the epoch (the first and last weeks are shorter, cut by --from and --until).
    const blockStart = Math.floor(dayStartMs(week.slice('bedrock-'.length, -'.om'.length)) / WEEK) * WEEK;
    const raw = await prometheus.api<{ result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
      `/api/v1/query?${new URLSearchParams({ query: '{__name__=~"bedrock_.+"}[7d]', time: String((blockStart + WEEK - 1) / 1000) })}`,
    );
    const inPrometheus = new Map<string, number>();
    for (const series of raw.result) for (const [time, value] of series.values) inPrometheus.set(`${sampleKey(Object.entries(series.metric))} ${Math.round(time * 1000)}`, Number(value));
    t.equal(inPrometheus.size, inFile.size, `${week}: as many samples in Prometheus as in the file (${inFile.size})`);
    t.same([...inFile].filter(([key, value]) => inPrometheus.get(key) !== value).slice(0, 3).map(([key, value]) => [key, value, inPrometheus.get(key)]), [], `${week}: each with its value`);
  }

  // Around every midnight the sums are one day's, though this Prometheus looks back 15 minutes: the series
  // of a model unused the next day end at 00:00 with their marker.
  const costOf = (day: string) => [...totals(dataset, { asOf: NOW, from: day, to: addDays(day, 1), by: ['model'] }).values()].reduce((sum, value) => sum + value.cost, 0);
  let ended = 0;
  for (let day = '2026-11-02'; day < '2026-11-19'; day = addDays(day, 1)) {
    const midnight = dayStartMs(day);
    const before = new Set((await prometheus.query('bedrock_cost_usd_daily', (midnight - 2_000) / 1000)).map((s) => JSON.stringify(s.metric)));
    const after = new Set((await prometheus.query('bedrock_cost_usd_daily', (midnight + 60_000) / 1000)).map((s) => JSON.stringify(s.metric)));
    if ([...before].some((key) => !after.has(key))) ended += 1;
    for (const at of [midnight, midnight + 60_000, midnight + 600_000]) {
      const value = Number((await prometheus.query('sum(bedrock_cost_usd_daily)', at / 1000))[0]?.value[1] ?? 0);
      const expected = costOf(addDays(day, -1));
      t.ok(Math.abs(value - expected) < 1e-6 * Math.max(1, expected), `sum(bedrock_cost_usd_daily) at ${new Date(at).toISOString()}: ${value}, the cost of ${addDays(day, -1)} (${expected})`);
    }
  }
  t.ok(ended > 0, `series end at midnight on ${ended} days, so the check above means something`);

  // The recording rules' history came too, from --rules-from on: the daily cost rule is the truth's.
  t.match(stderr, /^recording rules' history sent, \d+ requests in all$/m);
  for (const day of ['2026-11-16', '2026-11-18']) {
    const at = dayStartMs(addDays(day, 1)) + 15 * 3_600_000;
    const value = Number((await prometheus.query('org:bedrock_cost_usd_daily:sum', at / 1000))[0]?.value[1]);
    t.ok(Math.abs(value - costOf(day)) < 1e-6 * costOf(day), `org:bedrock_cost_usd_daily:sum for ${day}: ${value} (truth ${costOf(day)})`);
  }
  t.same(await prometheus.query('org:bedrock_cost_usd_daily:sum', dayStartMs('2026-11-15') / 1000), [], 'none before --rules-from');

  const again = await backfill(t, args.filter((arg) => !arg.startsWith('--output')));
  t.equal(again.code, 0);
  t.match(again.stdout, /^the history was sent to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write already \(.*position\.json\); remove that file to send it again$/m, 'run again: nothing sent twice');
  t.equal(again.emulator.stats().requests.GetCostAndUsage ?? 0, 0, 'and nothing paid for');
  const files = await backfill(t, [...args.filter((arg) => !arg.startsWith('--output')), `--output=${join(dir, 'again')}`]);
  t.equal(files.code, 0);
  t.match(files.stdout, /^remote write to .*: sent already$/m, 'with other outputs asked for, those are written and nothing is sent');
  t.ok(readdirSync(join(dir, 'again')).length > 0);
});

t.test('interrupted, then run again: each request sent once, the rest in order', async (t) => {
  const dir = temporaryFolder(t, 'bue-remote-write-');
  const args = (url: string, position: string) => ['--from=2026-11-01', '--until=2026-11-12T00:00:00Z', `--remote-write=${url}`, `--remote-write.position=${position}`, '--remote-write.header=X-Scope-OrgID: team-a'];
  const digest = (body: Buffer) => createHash('sha256').update(body).digest('hex');

  const whole = await receiver(t);
  t.equal((await backfill(t, args(whole.url, join(dir, 'whole.json')))).code, 0);
  const all = whole.received.map((request) => digest(request.body));
  t.ok(all.length > 5, `${all.length} requests in all`);
  t.same(new Set(whole.received.map((request) => request.headers['x-scope-orgid'])), new Set(['team-a']), 'the header on every request');

  // The receiver fails from the fourth request on; the backfill gives up after its attempts.
  const position = join(dir, 'position.json');
  const failing = await receiver(t, (n) => (n < 3 ? { status: 204 } : { status: 503, body: 'down for maintenance' }));
  const stopped = await backfill(t, args(failing.url, position), { remoteWriteBackoffMs: 1 });
  t.match(stopped.error, { code: 'BUE_ERR_REMOTE_WRITE', exitCode: 7, message: /did not take the history after 8 attempts \(503 Service Unavailable: down for maintenance\); run the backfill again to go on from where it stopped/ });
  t.match(stopped.stderr, /^remote write: attempt 1 failed \(503 Service Unavailable: down for maintenance\); trying again in 0.001 s$/m);
  t.same(JSON.parse(readFileSync(position, 'utf8')), { ...JSON.parse(readFileSync(position, 'utf8')), requests: 3, digest: digest(failing.received[2]!.body), done: false }, 'three accepted, the last one remembered');

  // Run again later, the same command: --from and --until (defaults or not) are the saved ones.
  const resumed = await receiver(t);
  const saved = JSON.parse(readFileSync(position, 'utf8')) as { url: string };
  writeFileSync(position, JSON.stringify({ ...saved, url: resumed.url }));
  const rest = await backfill(t, args(resumed.url, position).filter((arg) => !arg.startsWith('--until') && !arg.startsWith('--from')));
  t.equal(rest.code, 0, String(rest.error));
  t.match(rest.stdout, /^remote write to .*: going on after the 3 requests it accepted$/m);
  t.same(resumed.received.map((request) => digest(request.body)), all.slice(3), 'the requests after the third, each once');
  t.same(failing.received.slice(0, 3).map((request) => digest(request.body)), all.slice(0, 3), 'the first three, accepted before');
});

t.test('a position of another backfill, or not a position: refused, saying why', async (t) => {
  const dir = temporaryFolder(t, 'bue-remote-write-');
  const position = join(dir, 'position.json');
  const { url } = await receiver(t);
  writeFileSync(position, JSON.stringify({ url, job: 'bedrock-usage-exporter', instance: 'exporter:9180', from: '2026-11-01', untilMs: dayStartMs('2026-11-12'), lookbackMs: 300_000, requests: 2, digest: 'ab', done: false }));
  const other = await backfill(t, ['--from=2026-11-02', '--until=2026-11-12T00:00:00Z', `--remote-write=${url}`, `--remote-write.position=${position}`, '--job=other']);
  t.match(other.error, { code: 'BUE_ERR_CONFIG', message: `${position} holds the position of another backfill (job: bedrock-usage-exporter, now other; from: 2026-11-01, now 2026-11-02): give the same settings to go on, or remove it to send the whole history` });
  for (const text of ['{"requests": "many"}', 'not JSON']) {
    writeFileSync(position, text);
    const bad = await backfill(t, [`--remote-write=${url}`, `--remote-write.position=${position}`]);
    t.match(bad.error, { code: 'BUE_ERR_CONFIG', message: `${position} is not a remote-write position this backfill wrote; remove it to send the whole history` });
  }
  const folder = await backfill(t, [`--remote-write=${url}`, `--remote-write.position=${dir}`]);
  t.match(folder.error, { code: 'BUE_ERR_CONFIG', message: `cannot read the remote-write position "${dir}": it is a folder` });
});

t.test("the receiver's authentication, from files", async (t: Test) => {
  const dir = temporaryFolder(t, 'bue-remote-write-');
  writeFileSync(join(dir, 'token'), 's3cret\n');
  writeFileSync(join(dir, 'password'), 'pa55\n');
  const base = ['--from=2026-11-09', '--until=2026-11-11T00:00:00Z', '--collection.services=Amazon Bedrock'];
  const bearer = await receiver(t);
  t.equal((await backfill(t, [...base, `--remote-write=${bearer.url}`, `--remote-write.position=${join(dir, 'a.json')}`, `--remote-write.bearer-token-file=${join(dir, 'token')}`])).code, 0);
  t.equal(bearer.received[0]?.headers.authorization, 'Bearer s3cret');
  const basic = await receiver(t);
  t.equal((await backfill(t, [...base, `--remote-write=${basic.url}`, `--remote-write.position=${join(dir, 'b.json')}`, '--remote-write.basic-auth-username=bedrock', `--remote-write.basic-auth-password-file=${join(dir, 'password')}`])).code, 0);
  t.equal(basic.received[0]?.headers.authorization, `Basic ${Buffer.from('bedrock:pa55').toString('base64')}`);
  const missing = await backfill(t, [...base, `--remote-write=${basic.url}`, `--remote-write.position=${join(dir, 'c.json')}`, `--remote-write.bearer-token-file=${join(dir, 'none')}`]);
  t.match(missing.error, { code: 'BUE_ERR_CONFIG', message: `--remote-write.bearer-token-file: cannot read "${join(dir, 'none')}": no such file or folder` });
  t.equal(missing.emulator.stats().requests.GetCostAndUsage ?? 0, 0, 'refused before anything is paid for');
});

t.test('bad remote-write flags are one-line errors', async (t) => {
  const options = (args: string[]) => backfillOptions(loadConfig(args, {}, { command: BACKFILL_SETTINGS }).command, NOW);
  t.throws(() => options(['--remote-write=prometheus:9090']), /^--remote-write: expected the receiver's http\(s\) URL, like http:\/\/prometheus:9090\/api\/v1\/write, got "prometheus:9090"$/);
  t.throws(() => options(['--remote-write=ftp://x/']), /^--remote-write: expected the receiver's http\(s\) URL/);
  t.throws(() => options(['--remote-write=not a URL']), /^--remote-write: expected the receiver's http\(s\) URL/);
  t.throws(() => options(['--remote-write=http://x/', '--remote-write.header=no colon']), /^--remote-write.header\[0\]: expected a header like "X-Scope-OrgID: tenant-1", got "no colon"$/);
  t.throws(() => options(['--remote-write.header=A: b']), /^--remote-write.header: needs --remote-write \(the receiver it is for\)$/);
  t.throws(() => options(['--remote-write.bearer-token-file=t']), /^--remote-write.bearer-token-file: needs --remote-write/);
  t.throws(() => options(['--remote-write=http://x/', '--remote-write.bearer-token-file=t', '--remote-write.basic-auth-username=u']), /^--remote-write.bearer-token-file: give a token or basic authentication, not both$/);
  t.throws(() => options(['--remote-write=http://x/', '--remote-write.basic-auth-username=u']), /^--remote-write.basic-auth-username and --remote-write.basic-auth-password-file: basic authentication needs both$/);
  const remote = options(['--remote-write=https://mimir.example/api/v1/push', '--remote-write.header=X-Scope-OrgID: a, b', '--remote-write.header=X-Other:c']);
  t.same(remote.remoteWrite, { url: 'https://mimir.example/api/v1/push', headers: [['X-Scope-OrgID', 'a, b'], ['X-Other', 'c']], bearerTokenFile: undefined, username: undefined, passwordFile: undefined, positionFile: 'bedrock-remote-write.json' });
  t.equal(remote.output, undefined, 'no OpenMetrics files unless asked for');
});
