// What the bill of a settled day is compared with: its tokens for what CloudWatch counts (not batch
// jobs, not the mantle endpoint's cache tokens, not a tag's second split), per account, region, model
// and direction; and which day is the latest settled one.
import t from 'tap';
import { memoizedClassifier } from '../../src/billing/classifier.js';
import type { DayEntry, LedgerRow } from '../../src/cost-explorer/ledger.js';
import { billedTokens, lastSettledDay } from '../../src/sources/live/reconcile.js';

const row = (usageType: string, quantity: number, extra: Partial<LedgerRow> = {}): LedgerRow => ({ account: '111111111111', service: 'Amazon Bedrock', usageType, cost: quantity, quantity, unit: 'Units', ...extra });
const entry = (day: string, rows: LedgerRow[], settled = true, queryKey = 'usage'): DayEntry => ({ day, queryKey, rows, estimated: !settled, settled });

t.test("a settled day's tokens for what CloudWatch counts", async (t) => {
  const entries = [
    entry('2026-11-18', [
      row('USE1-NovaPro-input-tokens', 10),
      row('USE1-NovaPro-input-tokens', 5, { account: '222222222222' }),
      row('USE1-NovaPro-input-tokens-batch', 100),
      row('USE1-NovaPro-input-tokens', 7, { group: 'team$search' }),
      row('USE1-openai.gpt-oss-120b-mantle-input-tokens-standard', 2),
      row('USE1-openai.gpt-oss-120b-mantle-cache-read-tokens-standard', 3),
      row('USE1-NovaPro-output-tokens', 4),
      row('USE1-NovaPro-output-tokens', -4),
      row('USE1-Guardrails-ContentPolicyUnits', 9),
    ]),
    entry('2026-11-19', [row('USE1-NovaPro-input-tokens', 1000)], false),
  ];
  const billed = billedTokens(entries, memoizedClassifier(), '2026-11-18');
  t.same(
    [...billed.values()].map(({ account, region, model, direction, tokens }) => `${account} ${region} ${model} ${direction} ${tokens}`).sort(),
    ['111111111111 us-east-1 gpt-oss-120b input 2000', '111111111111 us-east-1 nova-pro input 10000', '222222222222 us-east-1 nova-pro input 5000'],
    'no batch, no mantle cache, no tag split, nothing where credits cancel the usage, no other day',
  );
  t.same([...billedTokens(entries, memoizedClassifier(), '2026-11-19').keys()], [], 'a day not settled has nothing to compare');
});

t.test('the latest settled day is one every answer of which is settled', async (t) => {
  t.equal(lastSettledDay([]), undefined);
  t.equal(lastSettledDay([entry('2026-11-17', []), entry('2026-11-18', []), entry('2026-11-18', [], false, 'team'), entry('2026-11-19', [], false), entry('2026-11-16', [])]), '2026-11-17');
});
