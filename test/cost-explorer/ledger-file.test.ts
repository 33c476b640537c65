import { mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { Ledger, type DayEntry } from '../../src/cost-explorer/ledger.js';
import { loadLedger, saveLedger } from '../../src/cost-explorer/ledger-file.js';

const dir = mkdtempSync(join(tmpdir(), 'bue-ledger-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const entry = (day: string, settled: boolean): DayEntry => ({
  day,
  queryKey: 'service:Amazon Bedrock',
  rows: [{ account: '111122223333', service: 'Amazon Bedrock', usageType: 'USE1-NovaPro-input-tokens', cost: -1.25, quantity: 3.5, unit: '1K tokens' }],
  estimated: !settled,
  settled,
});

t.test('settled days round-trip; unsettled ones are not saved', async (t) => {
  const ledger = new Ledger(10);
  ledger.commit([entry('2026-11-01', true), entry('2026-11-02', true), entry('2026-11-03', false)]);
  const path = join(dir, 'nested', 'ledger.gz');
  t.equal(await saveLedger(path, ledger), 2);
  t.same(readdirSync(join(dir, 'nested')), ['ledger.gz'], 'no temporary file left behind');
  const restored = new Ledger(10);
  t.equal(await loadLedger(path, restored), 2);
  t.same(restored.get('2026-11-01', 'service:Amazon Bedrock'), entry('2026-11-01', true));
  t.equal(restored.get('2026-11-03', 'service:Amazon Bedrock'), undefined);
});

t.test('account names are saved with their rows; files without names still load', async (t) => {
  const named: DayEntry = { ...entry('2026-11-01', true), rows: [{ ...entry('2026-11-01', true).rows[0]!, accountName: 'ml-platform-prod' }, { ...entry('2026-11-01', true).rows[0]!, account: '444455556666' }] };
  const ledger = new Ledger(10);
  ledger.commit([named]);
  const path = join(dir, 'named.gz');
  await saveLedger(path, ledger);
  const restored = new Ledger(10);
  await loadLedger(path, restored);
  t.same(restored.get('2026-11-01', 'service:Amazon Bedrock')?.rows.map((row) => [row.account, row.accountName]), [['111122223333', 'ml-platform-prod'], ['444455556666', undefined]]);
  t.notOk('accountName' in (restored.get('2026-11-01', 'service:Amazon Bedrock')?.rows[1] ?? {}));

  const old = join(dir, 'before-names.gz');
  writeFileSync(old, gzipSync(`${JSON.stringify({ format: 'bedrock-usage-exporter/ledger', version: 1 })}\n{"day":"2026-11-02","queryKey":"q","rows":[["111122223333","Amazon Bedrock","USE1-X",1,2,"u"]]}`));
  const fromOld = new Ledger(10);
  t.equal(await loadLedger(old, fromOld), 1, 'a file written before names loads as it is');
});

t.test('a missing file is an empty start', async (t) => {
  t.equal(await loadLedger(join(dir, 'none.gz'), new Ledger(10)), 0);
});

t.test('tag and cost category values are saved with their rows', async (t) => {
  const grouped: DayEntry = { ...entry('2026-11-01', true), queryKey: 'service:Amazon Bedrock|tag:team', rows: [{ ...entry('2026-11-01', true).rows[0]!, account: '', group: 'ml-platform' }, { ...entry('2026-11-01', true).rows[0]!, account: '', group: '' }] };
  const ledger = new Ledger(10);
  ledger.commit([grouped, entry('2026-11-01', true)]);
  const path = join(dir, 'grouped.gz');
  await saveLedger(path, ledger);
  const restored = new Ledger(10);
  t.equal(await loadLedger(path, restored), 2);
  t.same(restored.get('2026-11-01', 'service:Amazon Bedrock|tag:team'), grouped);
  t.notOk('group' in (restored.get('2026-11-01', 'service:Amazon Bedrock')?.rows[0] ?? {}), 'rows of other queries have no group');
});

const header = (version: number) => JSON.stringify({ format: 'bedrock-usage-exporter/ledger', version });

t.test('a file a later version wrote: columns it added are ignored, an entry without a column this version needs is read again', async (t) => {
  const path = join(dir, 'later.gz');
  writeFileSync(path, gzipSync([
    header(2),
    JSON.stringify({ day: '2026-11-01', queryKey: 'q', columns: ['region', 'service', 'account', 'usageType', 'cost', 'quantity', 'unit'], rows: [['us-east-1', 'Amazon Bedrock', '111122223333', 'USE1-X', 1, 2, 'u']] }),
    JSON.stringify({ day: '2026-11-02', queryKey: 'q', columns: ['service', 'usageType', 'cost', 'quantity', 'unit'], rows: [['Amazon Bedrock', 'USE1-X', 1, 2, 'u']] }),
    JSON.stringify({ day: '2026-11-03', queryKey: 'q', kind: 'minutes', minutes: [[0, 1]] }),
  ].join('\n')));
  const ledger = new Ledger(10);
  t.equal(await loadLedger(path, ledger), 1);
  t.same(ledger.get('2026-11-01', 'q')?.rows, [{ account: '111122223333', service: 'Amazon Bedrock', usageType: 'USE1-X', cost: 1, quantity: 2, unit: 'u' }]);
  t.same(ledger.unsettled(['2026-11-01', '2026-11-02', '2026-11-03'], 'q'), ['2026-11-02', '2026-11-03'], 'the entries it could not use are read again');
});

t.test('entries with a malformed day or row are read again, the others kept', async (t) => {
  const bad = [
    '{"day":"2026-02-30","queryKey":"q","rows":[]}',
    '{"day":"2026-11-01","queryKey":"q","rows":[["a","b","c","1",2,"u"]]}',
    '{"day":"2026-11-02","queryKey":"q","rows":[["a","b","c",1,2,"u",7]]}',
    '{"day":"2026-11-03","queryKey":"q","rows":["not a row"]}',
    '{"day":"2026-11-04","rows":[]}',
  ];
  const path = join(dir, 'malformed.gz');
  writeFileSync(path, gzipSync([header(1), ...bad, '{"day":"2026-11-05","queryKey":"q","rows":[["a","b","c",1,2,"u"]]}'].join('\n')));
  const ledger = new Ledger(10);
  t.equal(await loadLedger(path, ledger), 1);
  t.ok(ledger.get('2026-11-05', 'q'));
});

t.test('foreign, corrupt or damaged files are rejected whole', async (t) => {
  const cases: Array<[string, Buffer]> = [
    ['not gzip', Buffer.from('hello')],
    ['foreign JSON', gzipSync(JSON.stringify({ format: 'something-else', version: 1 }))],
    ['newer version', gzipSync(header(99))],
    ['truncated', gzipSync(`${header(2)}\n{"day":"2026-11-01","queryKey"`)],
  ];
  for (const [name, bytes] of cases) {
    const path = join(dir, `${name}.gz`);
    writeFileSync(path, bytes);
    const ledger = new Ledger(10);
    await t.rejects(loadLedger(path, ledger), name);
    t.equal(ledger.size, 0, `${name}: nothing half-loaded`);
  }
  await t.rejects(loadLedger(dir, new Ledger(10)), { code: 'EISDIR' }, 'unreadable');
});
