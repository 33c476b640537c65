import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard } from './layout.js';
import { barGauge, pieChart, stat, table, timeSeries } from './panels.js';
import { sum } from './promql.js';
import { DAILY, MONTH_TO_DATE, usageText } from './text.js';
import { datasourceVariable, usage, usageVariables } from './variables.js';

export const MODELS_UID = 'bedrock-models';

const TOKENS = 'bedrock_tokens_month_to_date';
const tokensOf = (direction: string, by = ''): string => sum(usage(TOKENS, `direction="${direction}"`), by);

// Share of the prompt (input-side) tokens that were read from the prompt cache.
const cacheHitRatio = (by = ''): string =>
  `${tokensOf('cache_read', by)} / (${sum(usage(TOKENS, 'direction=~"input|cache_read|cache_write"'), by)} > 0)`;

const costPerMillionTokens = (by = ''): string =>
  `${sum(usage('bedrock_cost_usd_month_to_date', 'kind="tokens"'), by)} / (${sum(usage(TOKENS), by)} > 0) * 1e6`;

const CACHE_HIT =
  'Cache hit ratio: cache-read tokens over every prompt token (input + cache read + cache write); cache reads are billed at a fraction of the input price.';

const monthToDate = [
  stat(
    {
      title: 'Tokens by direction, month to date',
      description: usageText('Tokens month to date by direction: input, output, cache_read (prompt read from the cache) and cache_write (prompt written to it).', MONTH_TO_DATE),
      unit: 'short',
      span: 12,
      height: 5,
    },
    [{ expr: `sum by (direction) (${usage(TOKENS)})`, legend: '{{direction}}' }],
  ),
  stat(
    {
      title: 'Cache hit ratio, month to date',
      description: usageText(CACHE_HIT, MONTH_TO_DATE),
      unit: 'percentunit',
      span: 4,
      height: 5,
    },
    [{ expr: cacheHitRatio() }],
  ),
  stat(
    {
      title: 'Token spend, month to date',
      description: usageText('Spend on tokens (kind="tokens") month to date, every direction, tier and route.', MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 4,
      height: 5,
    },
    [{ expr: `sum(${usage('bedrock_cost_usd_month_to_date', 'kind="tokens"')})` }],
  ),
  stat(
    {
      title: 'Cost per million tokens',
      description: usageText('Token spend over tokens, times a million: the blended price of the selection.', MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 4,
      height: 5,
    },
    [{ expr: costPerMillionTokens() }],
  ),
];

const perModel = [
  table(
    {
      title: 'Models, month to date',
      description: usageText(
        'One row per model: tokens by direction, spend (every kind of usage of the model), cost per million tokens and cache hit ratio.',
        CACHE_HIT,
        MONTH_TO_DATE,
      ),
      unit: 'short',
      span: 24,
      height: 10,
    },
    [
      { expr: tokensOf('input', 'model') },
      { expr: tokensOf('output', 'model') },
      { expr: tokensOf('cache_read', 'model') },
      { expr: tokensOf('cache_write', 'model') },
      { expr: `sum by (model) (${usage('bedrock_cost_usd_month_to_date', 'model!=""')})` },
      { expr: costPerMillionTokens('model') },
      { expr: cacheHitRatio('model') },
    ],
    [
      { field: 'model', header: 'Model' },
      { field: '#E', header: 'Spend', unit: 'currencyUSD' },
      { field: '#A', header: 'Input tokens' },
      { field: '#B', header: 'Output tokens' },
      { field: '#C', header: 'Cache read tokens' },
      { field: '#D', header: 'Cache write tokens' },
      { field: '#F', header: 'Per million tokens', unit: 'currencyUSD' },
      { field: '#G', header: 'Cache hit ratio', unit: 'percentunit' },
    ],
  ),
  timeSeries(
    {
      title: 'Tokens on the last complete day, by direction',
      description: usageText('Tokens of the last complete UTC day by direction, as the exporter read them at each point in time.', DAILY),
      unit: 'short',
      span: 12,
      height: 8,
    },
    [{ expr: `sum by (direction) (${usage('bedrock_tokens_daily')})`, legend: '{{direction}}' }],
    { stacked: true },
  ),
  timeSeries(
    {
      title: 'Cache hit ratio by model, month to date',
      description: usageText(CACHE_HIT, 'Computed on month-to-date tokens, so the line is smooth and restarts on the 1st.', MONTH_TO_DATE),
      unit: 'percentunit',
      span: 12,
      height: 8,
    },
    [{ expr: cacheHitRatio('model'), legend: '{{model}}' }],
  ),
];

const mix = [
  pieChart(
    {
      title: 'Tokens by tier, month to date',
      description: usageText('Tokens month to date by service tier: standard, batch (half price), flex, priority, latency_optimized and others.', MONTH_TO_DATE),
      unit: 'short',
      span: 6,
      height: 8,
    },
    [{ expr: `sum by (tier) (${usage(TOKENS)})`, legend: '{{tier}}' }],
  ),
  pieChart(
    {
      title: 'Tokens by route, month to date',
      description: usageText('Tokens month to date by inference route: regional (in-region or geographic cross-region profiles) or global (global cross-region inference).', MONTH_TO_DATE),
      unit: 'short',
      span: 6,
      height: 8,
    },
    [{ expr: `sum by (route) (${usage(TOKENS)})`, legend: '{{route}}' }],
  ),
  pieChart(
    {
      title: 'Token spend by direction, month to date',
      description: usageText('Token spend month to date by direction; output tokens usually cost several times more than input tokens.', MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 6,
      height: 8,
    },
    [{ expr: `sum by (direction) (${usage('bedrock_cost_usd_month_to_date', 'kind="tokens"')})`, legend: '{{direction}}' }],
  ),
  barGauge(
    {
      title: 'Tokens by region, month to date',
      description: usageText('Tokens month to date by the AWS region that billed them (for cross-region inference, the source region).', MONTH_TO_DATE),
      unit: 'short',
      span: 6,
      height: 8,
    },
    [{ expr: `sort_desc(sum by (region) (${usage(TOKENS)}))`, legend: '{{region}}' }],
  ),
];

const otherUsage = [
  table(
    {
      title: 'Non-token usage, month to date',
      description: usageText(
        'Usage billed in units other than tokens (images, video seconds, guardrail text units, provisioned model units, ...), month to date, in the unit of the Unit column.',
        MONTH_TO_DATE,
      ),
      unit: 'short',
      span: 12,
      height: 8,
    },
    [{ expr: `sum by (model, kind, unit) (${usage('bedrock_usage_month_to_date')})` }],
    [
      { field: 'model', header: 'Model' },
      { field: 'kind', header: 'Kind' },
      { field: 'unit', header: 'Unit' },
      { field: '#A', header: 'Quantity' },
    ],
  ),
  barGauge(
    {
      title: 'Non-token spend by kind, month to date',
      description: usageText('Spend month to date on everything but tokens, by kind of usage.', MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 12,
      height: 8,
    },
    [{ expr: `sort_desc(sum by (kind) (${usage('bedrock_cost_usd_month_to_date', 'kind!="tokens"')}))`, legend: '{{kind}}' }],
  ),
];

export function modelsDashboard(): Dashboard {
  return dashboard({
    uid: MODELS_UID,
    title: 'Amazon Bedrock / Models',
    description: 'Amazon Bedrock per model: tokens by direction, prompt-cache hit ratio, tier, route and region mix, and non-token usage, from the AWS bill (Cost Explorer).',
    from: '30d',
    variables: [datasourceVariable(), ...usageVariables()],
    rows: [
      { title: 'Month to date', panels: monthToDate },
      { title: 'Per model', panels: perModel },
      { title: 'Tier, route and region', panels: mix },
      { title: 'Other usage', panels: otherUsage },
    ],
  });
}
