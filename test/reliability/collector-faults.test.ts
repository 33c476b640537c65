// Faults around the refresh rather than in Cost Explorer's answers: a day left out of an answer, a
// ledger file that cannot be written, a stop while a request hangs (and what was read is saved), a
// source that throws anything.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Collector } from '../../src/pipeline/collector.js';
import { loadConfig } from '../../src/config.js';
import { isCredentialsRefused } from '../../src/aws/errors.js';
import { isThrottling } from '../../src/aws/requests.js';
import type { CostSource } from '../../src/cost-explorer/client.js';
import { Ledger } from '../../src/cost-explorer/ledger.js';
import { LedgerStore, loadLedger } from '../../src/cost-explorer/ledger-file.js';
import { HealthMetrics } from '../../src/metrics/health.js';
import { sourcesFor } from '../../src/sources/index.js';
import { addDays, dayOf, eachDay } from '../../src/time.js';
import { NO_KEYS } from '../helpers/cost-source.js';
import { parseExposition } from '../helpers/exposition.js';
import { capturingLogger, dataPart, startProxy, startRig, truthDifferences, until, watchProcess } from '../helpers/rig.js';
import { temporaryFolder } from '../helpers/temporary.js';

const HOUR = 3_600_000;
const watcher = watchProcess();
t.teardown(() => watcher.stop());

t.test('a day Cost Explorer leaves out of its answer is read again next time', async (t) => {
  let dropToday = true;
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined;
  const rig = await startRig({
    size: 'small',
    endpoint: async (emulatorUrl) =>
      (proxy = await startProxy(emulatorUrl, (operation, answer) => {
        if (operation !== 'GetCostAndUsage' || !dropToday) return answer;
        const today = dayOf(rig.clock.now);
        return { ...answer, ResultsByTime: (answer.ResultsByTime as Array<{ TimePeriod: { Start: string } }>).filter((result) => result.TimePeriod.Start !== today) };
      })).url,
  });
  t.teardown(async () => {
    await rig.close();
    await proxy!.close();
  });
  t.ok(await rig.exporter.collector.refresh(), 'the refresh succeeds without today');
  const today = dayOf(rig.clock.now);
  const samples = parseExposition(await rig.metricsText());
  t.not(truthDifferences(rig.dataset, rig.clock.now, samples).length, 0, 'today is missing from month to date');
  t.equal(samples.find((s) => s.name === 'bedrock_data_estimated' && s.labels.window === 'month_to_date')?.value, 1, 'and the month is marked estimated');
  dropToday = false;
  t.ok(await rig.exporter.collector.refresh());
  t.same(truthDifferences(rig.dataset, rig.clock.now, parseExposition(await rig.metricsText())), [], `${today} was read again`);
});

t.test('a ledger file that can no longer be written costs a warning, not the refresh', async (t) => {
  const dir = temporaryFolder(t, 'bue-ledger-');
  const { logger, lines } = capturingLogger('info');
  const rig = await startRig({ size: 'small', logger, flags: [`--ledger.file=${join(dir, 'not-a-folder', 'ledger.gz')}`] });
  t.teardown(() => rig.close());
  // Writable when the exporter started (it checks), then a file takes the folder's place.
  writeFileSync(join(dir, 'not-a-folder'), '');
  t.ok(await rig.exporter.collector.refresh(), 'the refresh succeeds');
  t.ok(lines.some((line) => line.includes('could not save the ledger file')), 'and says the file could not be saved');
  t.same(truthDifferences(rig.dataset, rig.clock.now, parseExposition(await rig.metricsText())), []);
});

t.test('stopping while a request hangs: the refresh is abandoned and nothing is scheduled', async (t) => {
  const rig = await startRig({ size: 'tiny', flags: ['--aws.request-timeout=10m'] });
  t.teardown(() => rig.close());
  const { collector } = rig.exporter;
  t.ok(await collector.refresh());
  const good = dataPart(await rig.metricsText());
  rig.emulator.faults.add({ fault: 'hang' });
  rig.clock.now = new Date(rig.clock.now.getTime() + 24 * HOUR);
  // The exporter's loop is waiting for its next interval; a refresh of its own is caught mid-request.
  const pending = collector.refresh();
  t.ok(await until(() => collector.status.refreshing, 5_000), 'a refresh is under way');
  const scheduled = collector.status.nextRefreshAt;
  await rig.exporter.apps[0]!.close();
  await collector.stop();
  t.equal(await pending, false, 'the abandoned refresh failed');
  t.notOk(collector.status.refreshing, 'stop waits for the abandoned refresh');
  t.equal(collector.status.nextRefreshAt, scheduled, 'and no refresh is scheduled after it');
  t.equal(collector.snapshot?.body.toString(), good, 'the snapshot is the last good one');
});

t.test('stopping mid-refresh saves the settled days already read', async (t) => {
  const dir = temporaryFolder(t, 'bue-ledger-');
  const file = join(dir, 'ledger.gz');
  const { config } = loadConfig(['--collection.services=Answers,Hangs', '--collection.lookback-days=10'], {});
  const today = dayOf(Date.now());
  let reading = false;
  // The first service read answers with settled days; the second hangs until the stop abandons it.
  const source: CostSource = {
    ...NO_KEYS,
    discoverServices: async () => [],
    fetchDaily: (query, start, end, signal) => {
      if (query.services.includes('Answers')) {
        return Promise.resolve(eachDay(start, end).map((day) => ({ day, estimated: day >= addDays(today, -2), rows: [] })));
      }
      reading = true;
      return new Promise((_resolve, reject) => signal!.addEventListener('abort', () => reject(signal!.reason)));
    },
  };
  const { logger } = capturingLogger('info');
  const ledger = new Ledger(100);
  const health = new HealthMetrics('test', { processMetrics: false });
  const collector = new Collector({ sources: sourcesFor(config, { client: source, store: new LedgerStore(ledger, file, logger), logger }), health, logger, refresh: config.refresh });
  const pending = collector.refresh();
  t.ok(await until(() => reading, 5_000), 'the second read is under way');
  await collector.stop();
  t.notOk(await pending, 'the refresh was abandoned');
  const restored = new Ledger(100);
  t.ok((await loadLedger(file, restored)) > 0, 'and the settled days of the first read are in the file');
  t.same(restored.entries().filter((entry) => entry.settled).length, ledger.entries().filter((entry) => entry.settled).length);
});

t.test('a source that throws anything at all fails the refresh and nothing else', async (t) => {
  const { config } = loadConfig(['--collection.services=Amazon Bedrock'], {});
  const thrown: unknown[] = ['a string', null, 42, Object.assign(new Error('two\nlines'), { name: 'Error' }), new TypeError('oops')];
  const source: CostSource = {
    ...NO_KEYS,
    discoverServices: async () => [],
    fetchDaily: async () => {
      throw thrown.shift();
    },
  };
  const health = new HealthMetrics('test', { processMetrics: false });
  const { logger } = capturingLogger('info');
  const collector = new Collector({ sources: sourcesFor(config, { client: source, store: new LedgerStore(new Ledger(10), undefined, logger), logger }), health, logger, refresh: config.refresh });
  const errors: string[] = [];
  for (let i = 0; i < 5; i++) {
    t.notOk(await collector.refresh());
    errors.push(collector.status.lastError!);
  }
  t.same(errors, ['a string', 'null', '42', 'two', 'TypeError: oops'], 'each said in one line');
  t.equal(collector.status.consecutiveFailures, 5);
  t.same(watcher.problems, []);
});

t.test('which SDK errors are throttling, and which refuse the credentials', async (t) => {
  t.ok(isThrottling({ name: 'ThrottlingException' }));
  t.ok(isThrottling({ name: 'Whatever', $metadata: { httpStatusCode: 429 } }), 'any 429');
  t.notOk(isThrottling({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }));
  t.notOk(isThrottling(undefined));
  t.ok(isCredentialsRefused({ name: 'ExpiredTokenException' }));
  t.ok(isCredentialsRefused({ name: 'UnrecognizedClientException' }));
  t.notOk(isCredentialsRefused({ name: 'AccessDeniedException' }), 'a missing permission is not fixed by new keys');
  t.notOk(isCredentialsRefused(undefined));
});
