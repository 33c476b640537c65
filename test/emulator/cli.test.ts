import t from 'tap';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { addDays, dayOf } from '../../src/time.js';
import { runEmulatorCommand } from '../../src/emulator/cli.js';
import { generateDataset } from '../../src/emulator/dataset.js';

function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const waitFor = async (text: string): Promise<string> => {
    for (let i = 0; i < 500; i++) {
      const line = lines.find((l) => l.includes(text));
      if (line) return line;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no log line with ${text}`);
  };
  return { lines, stream, waitFor };
}

const TINY_ACCOUNT = generateDataset({ seed: 3, size: 'tiny', scenario: 'growth', today: dayOf(Date.now()) }).accounts[0]!.id;

const sdk = (url: string) => new CostExplorerClient({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });

t.test('starts on a free port with the chosen data set, serves, and stops', async (t) => {
  const log = logSink();
  const stop = new AbortController();
  const running = runEmulatorCommand(
    ['--listen', '127.0.0.1:0', '--size', 'tiny', '--seed', '3', '--scenario', 'growth', '--page-size', '5', '--hourly', '--fault', 'throttle:0', '--monitoring-account', TINY_ACCOUNT],
    { destination: log.stream, signal: stop.signal },
  );
  const { url, msg } = JSON.parse(await log.waitFor('listening')) as { url: string; msg: string };
  t.equal(msg, 'Cost Explorer emulator listening');
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const client = sdk(url);
  const today = dayOf(Date.now());
  const daily = await client.send(new GetCostAndUsageCommand({
    TimePeriod: { Start: addDays(today, -10), End: today }, Granularity: 'DAILY', Metrics: ['UnblendedCost'],
  }));
  t.equal(daily.ResultsByTime!.length, 5, '--page-size');
  t.ok(daily.NextPageToken);
  const hourly = await client.send(new GetCostAndUsageCommand({
    TimePeriod: { Start: `${addDays(today, -2)}T00:00:00Z`, End: `${addDays(today, -2)}T03:00:00Z` }, Granularity: 'HOURLY', Metrics: ['UnblendedCost'],
  }));
  t.equal(hourly.ResultsByTime!.length, 3, '--hourly');
  client.destroy();
  stop.abort();
  await running;
  const stopped = JSON.parse(await log.waitFor('stopped')) as { stats: { total: number } };
  t.equal(stopped.stats.total, 2);
  await t.rejects(fetch(`${url}/__emulator/stats`), 'no longer listening');
});

t.test('stops on SIGTERM', async (t) => {
  const log = logSink();
  const listeners = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
  const running = runEmulatorCommand(['--listen', '127.0.0.1:0', '--size', 'tiny'], { destination: log.stream });
  const { url } = JSON.parse(await log.waitFor('listening')) as { url: string };
  t.equal((await fetch(`${url}/__emulator/stats`)).status, 200);
  process.emit('SIGTERM');
  await running;
  t.same([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')], listeners, 'signal handlers are removed');
  await t.rejects(fetch(`${url}/__emulator/stats`));
});

t.test('--data serves a fixed ledger; --log.format text', async (t) => {
  const dir = t.testdir({
    'ledger.jsonl': JSON.stringify({
      day: '2026-01-09', account: '123456789012', service: 'Amazon Bedrock', usageType: 'USE1-NovaPro-input-tokens', region: 'us-east-1',
      recordType: 'Usage', unblendedCost: 0.8, amortizedCost: 0.8, netUnblendedCost: 0.76, usageQuantity: 1000, unit: '1K tokens',
    }),
  });
  const log = logSink();
  const stop = new AbortController();
  stop.abort();
  await runEmulatorCommand(['--listen', '127.0.0.1:0', '--data', join(dir, 'ledger.jsonl'), '--log.format', 'text', '--log.level', 'debug'], {
    destination: log.stream, signal: stop.signal,
  });
  t.match(await log.waitFor('Cost Explorer emulator listening'), /INFO/);
  t.ok(await log.waitFor('Cost Explorer emulator stopped'));
});

t.test('--runaway: a caller of the first account runs away that long after the start, and the log says which', async (t) => {
  const log = logSink();
  const stop = new AbortController();
  const before = Date.now();
  const running = runEmulatorCommand(['--listen', '127.0.0.1:0', '--size', 'tiny', '--seed', '3', '--runaway', '10m'], { destination: log.stream, signal: stop.signal });
  const { runaway, msg } = JSON.parse(await log.waitFor('a runaway begins')) as { msg: string; runaway: { at: string; account: string; region: string; usageType: string } };
  const at = Date.parse(runaway.at);
  t.ok(at > before + 9 * 60_000 && at <= Date.now() + 10 * 60_000, `ten minutes on (${runaway.at})`);
  t.equal(runaway.account, generateDataset({ seed: 3, size: 'tiny', today: dayOf(Date.now()) }).accounts[0]!.id);
  t.match(msg, new RegExp(`^a runaway begins at ${runaway.at}: ${runaway.usageType.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in account ${runaway.account}, ${runaway.region}$`));
  stop.abort();
  await running;
});

t.test('--help prints the usage', async (t) => {
  const log = logSink();
  await runEmulatorCommand(['--help'], { destination: log.stream });
  t.match(log.lines.join('\n'), /Usage: bedrock-usage-exporter emulator \[flags\][\s\S]*--fault \(repeatable\)\n      inject a fault/);
});

t.test('bad flags are one-line config errors', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--nope'], /^flags: Unknown option '--nope'$/],
    [['extra'], /^unexpected argument "extra"; the emulator takes flags only$/],
    [['--listen', 'localhost'], /^--listen: expected HOST:PORT, got "localhost"$/],
    [['--listen', '[::1]:70000'], /^--listen: expected HOST:PORT, got "\[::1\]:70000"$/],
    [['--seed', 'x'], /^--seed: expected a whole number >= 0, got "x"$/],
    [['--page-size', '0'], /^--page-size: expected a whole number >= 1, got "0"$/],
    [['--size', 'huge'], /^--size: expected one of tiny, small, demo, large, got "huge"$/],
    [['--scenario', 'boom'], /^--scenario: expected one of default, growth, got "boom"$/],
    [['--log.level', 'loud'], /^--log\.level: expected one of debug, info, warn, error, got "loud"$/],
    [['--fault', 'explode'], /^--fault: fault must be one of throttle, .*; got "explode"$/],
    [['--data', 'x.jsonl', '--size', 'tiny'], /^--data: serves a fixed ledger; do not combine it with --seed, --size, --scenario or --runaway$/],
    [['--runaway', 'soon'], /^--runaway: expected a duration like 90s, 30m or 4h, got "soon"$/],
    [['--size', 'tiny', '--monitoring-account', '123'], /^--monitoring-account: 123 is not an account of the data set \(\d{12}(, \d{12})*\)$/],
    [['--data', '/nonexistent/ledger.jsonl'], /^--data: cannot read ledger \/nonexistent\/ledger\.jsonl/],
  ];
  for (const [argv, message] of cases) {
    await t.rejects(runEmulatorCommand(argv), { name: 'ConfigError', code: 'BUE_ERR_CONFIG', message }, argv.join(' '));
  }
});
