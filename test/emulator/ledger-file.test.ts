import t, { type Test } from 'tap';
import { join } from 'node:path';
import { loadDataset, type LineItem } from '../../src/emulator/dataset.js';

const SETTLED = new Date('2026-03-01T00:00:00Z');
const base = {
  day: '2026-01-09', account: '123456789012', service: 'Amazon Bedrock', usageType: 'USE1-NovaPro-input-tokens', region: 'us-east-1',
  recordType: 'Usage', unblendedCost: 0.8, amortizedCost: 0.8, netUnblendedCost: 0.76, usageQuantity: 1000, unit: '1K tokens',
};
const truth = { model: 'nova-pro', provider: 'amazon', kind: 'tokens', direction: 'input', tier: 'standard', route: 'regional', tokensPerUnit: 1000 };

const ledger = (t: Test, lines: unknown[]) => {
  const dir = t.testdir({ 'ledger.jsonl': lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') });
  return join(dir, 'ledger.jsonl');
};

t.test('loads a fixed ledger and shows it through the settlement model', async (t) => {
  const path = ledger(t, [
    { ...base, truth },
    '',
    { ...base, account: '000000000001', accountName: 'Research', usageType: 'USE1-Bedrock-Quantum-Widgets', unit: 'Units' },
    { ...base, day: '2026-01-10', recordType: 'Credit', unblendedCost: -5, amortizedCost: -5, netUnblendedCost: -5, usageQuantity: 0 },
    { ...base, day: '2026-01-10', tags: { team: 'search' }, costCategories: { 'business-unit': 'Product' } },
  ]);
  const dataset = loadDataset(path);
  t.same(dataset.accounts, [{ id: '000000000001', name: 'Research' }, { id: '123456789012', name: '123456789012' }]);
  const first = dataset.itemsOn('2026-01-09', SETTLED);
  t.equal(first.length, 2);
  t.same(first[0], { ...base, truth } as LineItem);
  t.same(first[1]!.truth, { model: '', provider: '', kind: 'unknown', direction: '', tier: '', route: '', tokensPerUnit: 0 }, 'truth is optional');
  t.equal(dataset.itemsOn('2026-01-10', SETTLED)[0]!.unblendedCost, -5);
  t.same(dataset.itemsOn('2026-01-10', SETTLED)[1]!.tags, { team: 'search' }, 'tags and cost categories are optional');
  t.same(dataset.itemsOn('2026-01-10', SETTLED)[1]!.costCategories, { 'business-unit': 'Product' });
  t.notOk('tags' in first[0]!);
  t.same(dataset.itemsOn('2026-01-11', SETTLED), []);
  const early = new Date('2026-01-10T12:00:00Z');
  t.notOk(dataset.isSettled('2026-01-09', early));
  t.equal(dataset.itemsOn('2026-01-09', early)[0]!.unblendedCost, 0.8 * 0.98);
});

t.test('today shifts the ledger so that its last day is yesterday', async (t) => {
  const path = ledger(t, [{ ...base, accountName: 'Main' }, { ...base, day: '2026-01-10', accountName: 'Main account' }]);
  const dataset = loadDataset(path, { today: '2026-11-20' });
  const later = new Date('2026-12-31T00:00:00Z');
  t.equal(dataset.itemsOn('2026-11-18', later)[0]!.day, '2026-11-18');
  t.equal(dataset.itemsOn('2026-11-19', later).length, 1);
  t.same(dataset.itemsOn('2026-01-10', later), []);
  t.same(dataset.accounts, [{ id: '123456789012', name: 'Main account' }], 'the last name given wins');
});

t.test('bad ledgers are rejected with the line that is wrong', async (t) => {
  const cases: Array<[unknown[], RegExp]> = [
    [['{"day": '], /ledger\.jsonl:1: not valid JSON$/],
    [[[1, 2]], /:1: a line must be a JSON object$/],
    [['', { ...base, service: undefined }], /:2: "service" must be a non-empty string$/],
    [[{ ...base, day: '2026-02-30' }], /:1: "day" must be a calendar day YYYY-MM-DD, got "2026-02-30"$/],
    [[{ ...base, account: '1234' }], /"account" must be a 12-digit account id$/],
    [[{ ...base, recordType: 'Tax' }], /"recordType" must be one of Usage, Credit, Refund, Other$/],
    [[{ ...base, usageQuantity: '12' }], /"usageQuantity" must be a finite number$/],
    [[{ ...base, accountName: '' }], /"accountName" must be a non-empty string$/],
    [[{ ...base, truth: 'tokens' }], /"truth" must be a JSON object$/],
    [[{ ...base, tags: ['team'] }], /"tags" must be a JSON object$/],
    [[{ ...base, costCategories: { unit: '' } }], /"costCategories.unit" must be a non-empty string$/],
    [[{ ...base, truth: { ...truth, tier: null } }], /"truth.tier" must be a string$/],
    [[{ ...base, truth: { ...truth, tokensPerUnit: -1 } }], /"truth.tokensPerUnit" must be a number >= 0$/],
    [['', '  '], /ledger\.jsonl: the ledger has no line items$/],
  ];
  for (const [lines, message] of cases) t.throws(() => loadDataset(ledger(t, lines)), { code: 'BUE_ERR_EMULATOR_LEDGER', message }, String(message));
  t.throws(() => loadDataset('/nonexistent/ledger.jsonl'), { code: 'BUE_ERR_EMULATOR_LEDGER', message: /^cannot read ledger \/nonexistent\/ledger\.jsonl: ENOENT/ });
});
