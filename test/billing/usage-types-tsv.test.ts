// Every row of the reference usage types (test/fixtures/billing/usage-types.tsv), mapped to the exporter's vocabulary.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { modelSlug } from '../../src/billing/models.js';
import { classifyUsage, type Direction, type Kind, type UsageClass } from '../../src/billing/usage-type.js';

interface Row {
  usageType: string;
  services: string[];
  expectedModel: string;
  region: string;
  expectations: Map<string, string>;
  unit: string;
}

const TSV = new URL('../fixtures/billing/usage-types.tsv', import.meta.url);
// Stands for the TSV's placeholder 'MP "<model> (Amazon Bedrock Edition)"'.
const SOME_MARKETPLACE_SERVICE = 'Claude Sonnet 4.6 (Amazon Bedrock Edition)';

const KINDS: Readonly<Record<string, Kind>> = {
  tokens: 'tokens',
  'reserved-throughput': 'reserved_capacity',
  guardrail: 'guardrail',
  'guardrail-checks': 'guardrail',
  'customization-training': 'customization',
  'customization-storage': 'customization',
  'custom-model-import': 'custom_model_import',
  'provisioned-throughput': 'provisioned_throughput',
  'image-generation': 'image_generation',
  'data-automation': 'data_automation',
  rerank: 'rerank',
  'web-search': 'web_search',
  grounding: 'web_search',
  'cache-storage': 'other',
  'cache-validation': 'other',
  embedding: 'other',
  agentcore: 'agentcore',
};
const ROUTES: Readonly<Record<string, string>> = { regional: 'regional', 'cross-region-global': 'global', geo: 'geo' };
// Provider by the first word of the human model name in the TSV.
const PROVIDERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^claude/, 'anthropic'],
  [/^amazon/, 'amazon'],
  [/^llama/, 'meta'],
  [/^mistral/, 'mistral'],
  [/^qwen/, 'qwen'],
  [/^z\.ai/, 'zai'],
  [/^openai/, 'openai'],
  [/^nvidia/, 'nvidia'],
  [/^xai/, 'xai'],
  [/^moonshot/, 'moonshotai'],
  [/^stable diffusion/, 'stability'],
  [/^cohere/, 'cohere'],
];

function readRows(): Row[] {
  const [header, ...lines] = readFileSync(TSV, 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  if (header === undefined || !header.startsWith('usage_type\tservice\texpected_model')) throw new Error('unexpected TSV header');
  return lines.map((line) => {
    const [usageType = '', service = '', expectedModel = '', region = '', expected = '', unit = ''] = line.split('\t');
    const expectations = new Map(
      expected.split(';').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const),
    );
    return { usageType, services: servicesOf(service), expectedModel, region, expectations, unit };
  });
}

/** The concrete SERVICE values a row stands for. */
function servicesOf(column: string): string[] {
  if (!column.includes('(Amazon Bedrock Edition)')) return [column.split(' (')[0] as string];
  if (column.startsWith('MP "')) return [SOME_MARKETPLACE_SERVICE];
  return column.split(' / ').map((service) => service.replace(' (seen for both)', '').trim());
}

/** A name for "the same model" across rows: 'Claude v2' and 'Claude 2.0' are one model. */
function humanKey(name: string): string {
  const bare = (name.split(' (')[0] as string).split(';')[0] as string;
  return bare
    .trim()
    .toLowerCase()
    .replace(/\bv(\d)/g, '$1')
    .replace(/(\d)\.0\b/g, '$1');
}

function modelKey(row: Row, service: string): string | undefined {
  const [left = '', right = ''] = row.expectedModel.split(' | ');
  if (left.endsWith('(family)')) return left.toLowerCase();
  if (left !== '(none)') return humanKey(right);
  return service.includes('(Amazon Bedrock Edition)') ? humanKey(service.replace(' (Amazon Bedrock Edition)', '')) : undefined;
}

/** Tokens per unit and the Cost Explorer unit string to pass, when the unit column states a scale. */
function statedScale(unit: string): { quantityUnit: string; scale: number } | undefined {
  if (unit.startsWith('1K tokens')) return { quantityUnit: '1K tokens', scale: 1000 };
  if (unit.startsWith('1M tokens')) return { quantityUnit: '1M tokens', scale: 1e6 };
  if (unit.startsWith('Units = 1M tokens')) return { quantityUnit: 'Units', scale: 1e6 };
  return undefined;
}

const rows = readRows();

t.test('the TSV is read whole', async (t) => {
  t.ok(rows.length >= 170, `${rows.length} rows`);
});

t.test('every row parses to the expected region, kind, direction, tier, route and scale', async (t) => {
  for (const row of rows) {
    for (const service of row.services) {
      const name = `${row.usageType} @ ${service}`;
      const tsvKind = row.expectations.get('kind') ?? '';
      const kind = KINDS[tsvKind];
      if (kind === undefined) {
        t.fail(`${name}: TSV kind '${tsvKind}' has no mapping`);
        continue;
      }
      const stated = statedScale(row.unit);
      const got = classifyUsage(service, row.usageType, stated?.quantityUnit ?? row.unit);
      const carriesRoute = kind === 'tokens' || kind === 'reserved_capacity';
      const want: Partial<UsageClass> = {
        region: row.region,
        kind,
        direction: carriesRoute ? ((row.expectations.get('dir') ?? '').replace('-', '_') as Direction) : '',
        tier: kind === 'tokens' ? (row.expectations.get('tier') ?? '').replace('-', '_') : '',
        route: carriesRoute ? ROUTES[row.expectations.get('route') ?? ''] : '',
      };
      if (kind === 'tokens') {
        want.unit = 'tokens';
        if (stated !== undefined) want.tokensPerUnit = stated.scale;
      } else {
        want.tokensPerUnit = 0;
        t.not(got.unit, '', `${name}: non-token usage has a unit`);
        t.match(got.unit, /^[a-z0-9]+(?:_[a-z0-9]+)*$/, `${name}: unit is snake_case`);
      }
      t.hasStrict(got, want, name);
    }
  }
});

t.test('the grammar default applies when Cost Explorer states no scale', async (t) => {
  for (const row of rows.filter((row) => row.expectations.get('kind') === 'tokens')) {
    for (const service of row.services) {
      const marketplace = row.usageType.includes('-MP:');
      for (const quantityUnit of [undefined, '', 'N/A', 'Units']) {
        const got = classifyUsage(service, row.usageType, quantityUnit);
        t.equal(got.tokensPerUnit, marketplace ? 1e6 : 1000, `${row.usageType} with unit ${String(quantityUnit)}`);
      }
    }
  }
});

t.test('the model of every row is the one the TSV names', async (t) => {
  for (const row of rows) {
    for (const service of row.services) {
      const got = classifyUsage(service, row.usageType);
      const [left = ''] = row.expectedModel.split(' | ');
      const key = modelKey(row, service);
      const name = `${row.usageType} @ ${service}`;
      if (key === undefined) {
        t.same([got.model, got.provider], ['', ''], `${name}: no model`);
        continue;
      }
      const named = left === '(none)' ? service : left.replace(' (family)', '');
      t.equal(got.model, modelSlug(named), `${name}: model read from '${named}'`);
      t.match(got.model, /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, `${name}: slug shape`);
      const provider = PROVIDERS.find(([pattern]) => pattern.test(key))?.[1] ?? 'unknown';
      t.equal(got.provider, provider, `${name}: provider`);
    }
  }
});

t.test('one model, one slug; one slug, one model', async (t) => {
  const slugsByModel = new Map<string, Set<string>>();
  const modelsBySlug = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const service of row.services) {
      const key = modelKey(row, service);
      if (key === undefined) continue;
      const slug = classifyUsage(service, row.usageType).model;
      slugsByModel.set(key, (slugsByModel.get(key) ?? new Set()).add(slug));
      modelsBySlug.set(slug, (modelsBySlug.get(slug) ?? new Set()).add(key));
    }
  }
  for (const [key, slugs] of slugsByModel) t.equal(slugs.size, 1, `${key} -> ${[...slugs].join(', ')}`);
  for (const [slug, keys] of modelsBySlug) t.equal(keys.size, 1, `${slug} <- ${[...keys].join(', ')}`);
  // The same model through runtime, mantle and Marketplace rows of the TSV.
  t.ok(slugsByModel.size > 30, `${slugsByModel.size} distinct models`);
  t.same([...(slugsByModel.get('claude sonnet 4.6') ?? [])], ['claude-sonnet-4.6']);
  t.same([...(slugsByModel.get('claude opus 5') ?? [])], ['claude-opus-5']);
  t.same([...(slugsByModel.get('qwen3 32b') ?? [])], ['qwen3-32b']);
  t.same([...(slugsByModel.get('mistral large 3') ?? [])], ['mistral-large-3-675b']);
});
