// The live source over stand-ins for CloudWatch and Bedrock: a profile Bedrock cannot name keeps its
// series, without a model, and is asked about again on the next poll.
import t from 'tap';
import type { ProfileDirectory } from '../../src/bedrock/profiles.js';
import type { LiveMetrics } from '../../src/cloudwatch/client.js';
import { Pacer } from '../../src/pacer.js';
import { rateKey, type BillRate } from '../../src/sources/live/rates.js';
import { LiveSource } from '../../src/sources/live/source.js';
import { silentLogger } from '../helpers/stack.js';

const NOW = new Date('2026-11-20T12:00:30Z');
const PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';

/** A live source over one reader of `metrics` and `profiles`, in us-east-1, with the bill's `rates` (none by default). */
const sourceOver = (metrics: LiveMetrics, profiles: ProfileDirectory, rates: ReadonlyMap<string, BillRate> = new Map()): LiveSource =>
  new LiveSource({
    readers: [{ who: 'test', metrics, profiles, quotas: { tokenQuotas: async () => [] } }],
    regions: async () => ['us-east-1'],
    timing: { intervalMs: 60_000, jitter: 0, retryBaseMs: 1_000, retryMaxMs: 60_000, timeoutMs: 10_000 },
    rereadMs: 600_000,
    rates: () => rates,
    listRates: async () => new Map(),
    settled: { day: () => undefined, billed: () => new Map() },
    allocationTags: [],
    logger: silentLogger(),
  });

t.test('a profile Bedrock does not know, or names no model for, keeps its series without a model', async (t) => {
  const metrics: LiveMetrics = { read: async () => [{ label: `123456789012|InputTokenCount|${PROFILE}`, points: [[NOW.getTime() - 180_000, 100]] }] };
  const asked: string[] = [];
  const answers = [undefined, { modelId: 'a1b2c3d4e5f6', route: 'regional' as const, quota: 'on_demand' as const, tags: {} }, { modelId: 'amazon.nova-pro-v1:0', route: 'regional' as const, quota: 'on_demand' as const, tags: {} }];
  const profiles: ProfileDirectory = { resolve: async (_region, profile) => (asked.push(profile), answers.shift()) };
  const source = sourceOver(metrics, profiles);
  const refresh = async () => (await source.refresh({ now: NOW, signal: new AbortController().signal, pacer: new Pacer() })).families.find((f) => f.name === 'bedrock_live_tokens_total')!;
  t.same([...(await refresh()).series], [['{account="123456789012",region="us-east-1",provider="unknown",direction="input",route="regional"}', 100]], 'not listed: no model');
  t.same([...(await refresh()).series.keys()], ['{account="123456789012",region="us-east-1",provider="unknown",direction="input",route="regional"}'], 'listed without a foundation model: none either');
  t.same([...(await refresh()).series.keys()], ['{account="123456789012",region="us-east-1",model="nova-pro",provider="amazon",direction="input",route="regional"}'], 'then named');
  await refresh();
  t.same(asked, [PROFILE, PROFILE, PROFILE], 'asked each poll until named, then never again');
});

t.test('nothing published yet: no series, and no today for the landing page', async (t) => {
  const source = sourceOver({ read: async () => [] }, { resolve: async () => undefined });
  const contribution = await source.refresh({ now: NOW, signal: new AbortController().signal, pacer: new Pacer() });
  t.equal(contribution.today, undefined);
  t.equal(contribution.families.find((f) => f.name === 'bedrock_live_tokens_total')?.series.size, 0);
});

t.test("a mantle series names no route: the bill's rate of the model's other route prices it; a runtime series' route is its own", async (t) => {
  const at = NOW.getTime() - 180_000;
  const metrics: LiveMetrics = {
    read: async () => [
      { label: '123456789012|TotalInputTokens|anthropic.claude-opus-4-8', points: [[at, 1000]] },
      { label: '123456789012|InputTokenCount|anthropic.claude-opus-4-8', points: [[at, 10]] },
    ],
  };
  const global: BillRate = { region: 'us-east-1', model: 'claude-opus-4.8', provider: 'anthropic', direction: 'input', route: 'global', tier: 'standard', usdPerToken: 0.000005 };
  const source = sourceOver(metrics, { resolve: async () => undefined }, new Map([[rateKey('us-east-1', 'claude-opus-4.8', 'input', 'global', 'standard'), global]]));
  const { families } = await source.refresh({ now: NOW, signal: new AbortController().signal, pacer: new Pacer() });
  const cost = families.find((f) => f.name === 'bedrock_live_estimated_cost_usd_total')!;
  t.same([...cost.series], [['{account="123456789012",region="us-east-1",model="claude-opus-4.8",provider="anthropic",direction="input",route="regional"}', 1000 * 0.000005]], "the mantle tokens at the bill's global rate; the runtime's regional tokens have none");
  t.same([...families.find((f) => f.name === 'bedrock_live_tokens_total')!.series.values()], [1010], 'both counted');
});
