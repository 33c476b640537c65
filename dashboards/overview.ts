import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard } from './layout.js';
import { barGauge, pieChart, stat, THRESHOLD_LINE, thresholds, timeSeries, valueText } from './panels.js';
import { DAILY, MODEL_ONLY, MONTH_TO_DATE, ORG_WIDE, SETTLED, THRESHOLDS, usageText } from './text.js';
import { LIVE, todaySoFar } from './live.js';
import { datasourceVariable, series, usage, usageVariables } from './variables.js';

export const OVERVIEW_UID = 'bedrock-overview';

const costPerMillionTokens =
  `sort_desc(sum by (model) (${usage('bedrock_cost_usd_month_to_date', 'kind="tokens"')})` +
  ` / (sum by (model) (${usage('bedrock_tokens_month_to_date')}) > 0) * 1e6)`;

// Beside the billed figures: what today looks like before the bill shows it (the Bedrock live dashboard).
const today = [
  stat(
    { title: 'Estimated spend today so far', description: `Since 00:00 UTC, beside the billed month to date above. ${LIVE}`, unit: 'currencyUSD', span: 8, height: 4 },
    [{ expr: todaySoFar.spend }],
  ),
  stat(
    { title: 'Tokens today so far', description: `Tokens of every direction since 00:00 UTC. ${LIVE}`, unit: 'short', span: 8, height: 4 },
    [{ expr: todaySoFar.tokens }],
  ),
  stat(
    { title: 'Estimated spend per hour, last 15 minutes', description: `What Bedrock is spending now, per hour. ${LIVE}`, unit: 'currencyUSD', span: 8, height: 4 },
    [{ expr: todaySoFar.spendPerHour }],
  ),
];

const monthToDate = [
  stat(
    {
      title: 'Spend, month to date',
      description: usageText('Amazon Bedrock spend in US dollars on the bill (unblended, credits included), every kind of usage.', MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 4,
      height: 5,
    },
    [{ expr: `sum(${usage('bedrock_cost_usd_month_to_date')})` }],
  ),
  stat(
    {
      title: 'Tokens, month to date',
      description: usageText('Tokens of every direction (input, output, cache read and cache write).', MONTH_TO_DATE),
      unit: 'short',
      span: 4,
      height: 5,
    },
    [{ expr: `sum(${usage('bedrock_tokens_month_to_date')})` }],
  ),
  stat(
    {
      title: 'Projected month-end spend',
      description: usageText(
        'Month-to-date spend plus the settled 7-day daily average for each remaining day of the month (recording rule org:bedrock_cost_usd_month_to_date:projected_month_end).',
        ORG_WIDE,
        'Needs a week of history in Prometheus.',
      ),
      unit: 'currencyUSD',
      span: 4,
      height: 5,
    },
    [{ expr: 'org:bedrock_cost_usd_month_to_date:projected_month_end' }],
  ),
  stat(
    {
      title: 'Projection against budget',
      description: usageText('Projected month-end spend as a share of the monthly budget; above 100% the budget alert fires.', ORG_WIDE, THRESHOLDS),
      unit: 'percentunit',
      span: 4,
      height: 5,
    },
    [{ expr: 'org:bedrock_cost_usd_month_to_date:projected_month_end / on() bedrock:budget_usd:monthly' }],
  ).thresholds(thresholds('green', [0.8, 'orange'], [1, 'red'])),
  stat(
    {
      title: 'Spend, last complete day',
      description: usageText('Spend on the last complete UTC day.', DAILY),
      unit: 'currencyUSD',
      span: 4,
      height: 5,
    },
    [{ expr: `sum(${usage('bedrock_cost_usd_daily')})` }],
  ),
  stat(
    {
      title: 'Estimated data',
      description: usageText(
        'Whether Cost Explorer still marks each window as estimated. Estimated figures are revised, usually upward, as late usage records arrive; they become final a few days after the day or month ends.',
      ),
      unit: 'none',
      span: 4,
      height: 5,
    },
    [{ expr: `max by (window) (${series('bedrock_data_estimated')})`, legend: '{{window}}' }],
  ).mappings(
    valueText({
      '0': { text: 'Final', color: 'green' },
      '1': { text: 'Estimated', color: 'orange' },
    }),
  ),
];

const budgetAndGrowth = [
  timeSeries(
    {
      title: 'Spend against budget',
      description: usageText(
        'Month-to-date spend, the projected month-end spend and the monthly budget over time. The month-to-date line restarts at zero on the 1st.',
        ORG_WIDE,
        THRESHOLDS,
      ),
      unit: 'currencyUSD',
      span: 12,
      height: 8,
    },
    [
      { expr: 'org:bedrock_cost_usd_month_to_date:sum', legend: 'month to date' },
      { expr: 'org:bedrock_cost_usd_month_to_date:projected_month_end', legend: 'projected month end' },
      { expr: 'bedrock:budget_usd:monthly', legend: 'budget' },
    ],
  ).overrideByName('budget', THRESHOLD_LINE),
  timeSeries(
    {
      title: 'Tokens per day',
      description: usageText('Tokens per settled day and their 7-day average, for the whole organization.', SETTLED, ORG_WIDE),
      unit: 'short',
      span: 12,
      height: 8,
    },
    [
      { expr: 'org:bedrock_tokens_daily_settled:sum', legend: 'tokens per day' },
      { expr: 'org:bedrock_tokens_daily_settled:avg_7d', legend: '7-day average' },
    ],
  ),
  stat(
    {
      title: 'Token growth, week over week',
      description: usageText(
        "This week's 7-day average of daily tokens against the previous week's; +20% a week doubles usage in about 27 days.",
        SETTLED,
        ORG_WIDE,
        'Needs two weeks of history in Prometheus.',
      ),
      unit: 'percentunit',
      span: 4,
      height: 8,
    },
    [{ expr: 'org:bedrock_tokens_daily_settled:wow_ratio - 1' }],
  ),
  stat(
    {
      title: 'Token doubling time',
      description: usageText('Days until daily tokens double at the current week-over-week growth; empty while usage is not growing.', SETTLED, ORG_WIDE),
      unit: 'd',
      span: 4,
      height: 8,
    },
    [{ expr: 'org:bedrock_tokens_daily_settled:doubling_time_days' }],
  ).noValue('not growing'),
  stat(
    {
      title: 'Spend growth, week over week',
      description: usageText("This week's 7-day average of daily spend against the previous week's.", SETTLED, ORG_WIDE, 'Needs two weeks of history in Prometheus.'),
      unit: 'percentunit',
      span: 4,
      height: 8,
    },
    [{ expr: 'org:bedrock_cost_usd_daily_settled:wow_ratio - 1' }],
  ),
  timeSeries(
    {
      title: 'Token growth by model, week over week',
      description: usageText(
        "Each model's 7-day average of daily tokens against the previous week's, and the growth at which the sustained-growth alert counts a week.",
        SETTLED,
        MODEL_ONLY,
        THRESHOLDS,
      ),
      unit: 'percentunit',
      span: 12,
      height: 8,
    },
    [
      { expr: 'model:bedrock_tokens_daily_settled:wow_ratio{model=~"$model"} - 1', legend: '{{model}}' },
      { expr: 'bedrock:alert_threshold:wow_growth_ratio - 1', legend: 'alert threshold' },
    ],
  ).overrideByName('alert threshold', THRESHOLD_LINE),
];

const models = [
  barGauge(
    {
      title: 'Top models by spend, month to date',
      description: usageText('The ten models with the highest month-to-date spend, every kind of usage of the model included.', MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 8,
      height: 9,
    },
    [{ expr: `sort_desc(topk(10, sum by (model) (${usage('bedrock_cost_usd_month_to_date', 'model!=""')})))`, legend: '{{model}}' }],
  ),
  barGauge(
    {
      title: 'Top models by tokens, month to date',
      description: usageText('The ten models with the most tokens month to date, every direction included.', MONTH_TO_DATE),
      unit: 'short',
      span: 8,
      height: 9,
    },
    [{ expr: `sort_desc(topk(10, sum by (model) (${usage('bedrock_tokens_month_to_date')})))`, legend: '{{model}}' }],
  ),
  barGauge(
    {
      title: 'Cost per million tokens by model',
      description: usageText(
        "Month-to-date token spend divided by month-to-date tokens, times a million: the blended price of the model's mix of input, output and cache tokens, tiers and routes.",
        MONTH_TO_DATE,
      ),
      unit: 'currencyUSD',
      span: 8,
      height: 9,
    },
    [{ expr: costPerMillionTokens, legend: '{{model}}' }],
  ),
  timeSeries(
    {
      title: 'Spend per day by model',
      description: usageText('Spend per settled day, stacked by model.', SETTLED, MODEL_ONLY),
      unit: 'currencyUSD',
      span: 12,
      height: 9,
    },
    [{ expr: 'model:bedrock_cost_usd_daily_settled:sum{model=~"$model"}', legend: '{{model}}' }],
    { stacked: true },
  ),
  timeSeries(
    {
      title: 'Tokens per day by model',
      description: usageText('Tokens per settled day, stacked by model.', SETTLED, MODEL_ONLY),
      unit: 'short',
      span: 12,
      height: 9,
    },
    [{ expr: 'model:bedrock_tokens_daily_settled:sum{model=~"$model"}', legend: '{{model}}' }],
    { stacked: true },
  ),
  pieChart(
    {
      title: 'Spend by kind, month to date',
      description: usageText('Month-to-date spend split by kind of usage: tokens, guardrails, provisioned throughput, customization and the rest; kind="unknown" is usage the exporter could not classify.', MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 12,
      height: 8,
    },
    [{ expr: `sum by (kind) (${usage('bedrock_cost_usd_month_to_date')})`, legend: '{{kind}}' }],
  ),
  pieChart(
    {
      title: 'Spend by provider, month to date',
      description: usageText('Month-to-date spend split by model provider; usage without a model (guardrails, for instance) has no provider.', MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 12,
      height: 8,
    },
    [{ expr: `sum by (provider) (${usage('bedrock_cost_usd_month_to_date')})`, legend: '{{provider}}' }],
  ),
];

export function overviewDashboard(): Dashboard {
  return dashboard({
    uid: OVERVIEW_UID,
    title: 'Amazon Bedrock / Overview',
    description: 'Amazon Bedrock spend and tokens from the AWS bill (Cost Explorer): month to date, projection against budget, growth and the top models.',
    from: '30d',
    variables: [datasourceVariable(), ...usageVariables()],
    rows: [
      { title: 'Month to date', panels: monthToDate },
      { title: 'Today so far (estimated, live)', panels: today },
      { title: 'Budget and growth', panels: budgetAndGrowth },
      { title: 'Models', panels: models },
    ],
  });
}
