import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard } from './layout.js';
import { barGauge, stat, table, thresholds, timeSeries } from './panels.js';
import { sum } from './promql.js';
import { MONTH_TO_DATE, SETTLED, THRESHOLDS, usageText } from './text.js';
import { allocation, allocationVariables, datasourceVariable } from './variables.js';

export const CHARGEBACK_UID = 'bedrock-chargeback';

const COST = 'bedrock_allocation_cost_usd_month_to_date';
const TOKENS = 'bedrock_allocation_tokens_month_to_date';

const WHO =
  'Values of the cost allocation tag or cost category chosen above (--collection.allocation-tag, --collection.cost-category): "(none)" is spend without a value for it, called without a tagged profile or principal, or before the tag was activated.';

// Spend without a value has no allocation_value label: show it as "(none)" rather than a blank row.
const named = (expr: string): string => `label_replace(${expr}, "allocation_value", "(none)", "allocation_value", "")`;
const byValue = (metric: string, extra = ''): string => named(sum(allocation(metric, extra), 'allocation_value'));

const monthToDate = [
  stat(
    { title: 'Spend, month to date', description: usageText('Bedrock spend this month, all values together: the whole bill, as every key adds up to it.', MONTH_TO_DATE), unit: 'currencyUSD', span: 6, height: 5 },
    [{ expr: sum(allocation(COST)) }],
  ),
  stat(
    {
      title: 'Without a value',
      description: usageText(`The share of this month's spend with no value for the key: it cannot be charged back to anyone. The governance alert fires above a threshold. ${THRESHOLDS}`, MONTH_TO_DATE),
      unit: 'percentunit',
      span: 6,
      height: 5,
    },
    [{ expr: 'max(allocation_key:bedrock_allocation_cost_usd_month_to_date:untagged_ratio{allocation_key=~"$allocation_key"})' }],
  ).thresholds(thresholds('green', [0.1, 'orange'], [0.3, 'red'])),
  stat(
    { title: 'Values in use', description: usageText('How many values of the key have Bedrock spend this month.', WHO, MONTH_TO_DATE), unit: 'short', span: 6, height: 5 },
    [{ expr: `count(${sum(allocation(COST, 'allocation_value!=""'), 'allocation_value')})` }],
  ),
  stat(
    { title: 'Tokens, month to date', description: usageText('Bedrock tokens this month, all values together.', MONTH_TO_DATE), unit: 'short', span: 6, height: 5 },
    [{ expr: sum(allocation(TOKENS)) }],
  ),
  barGauge(
    { title: 'Spend by value, month to date', description: usageText('Month-to-date spend of each value of the key.', WHO, MONTH_TO_DATE), unit: 'currencyUSD', span: 12, height: 10 },
    [{ expr: `sort_desc(${byValue(COST)})`, legend: '{{allocation_value}}' }],
  ),
  barGauge(
    { title: 'Tokens by value, month to date', description: usageText('Month-to-date tokens of each value of the key.', WHO, MONTH_TO_DATE), unit: 'short', span: 12, height: 10 },
    [{ expr: `sort_desc(${byValue(TOKENS)})`, legend: '{{allocation_value}}' }],
  ),
];

const growth = [
  table(
    {
      title: 'Top values by growth',
      description: usageText(
        "Each value's 7-day average daily spend against the week before (1.2 = +20% a week), with its month-end projection at that pace: the teams whose use grows fastest first.",
        WHO,
        SETTLED,
      ),
      unit: 'short',
      span: 24,
      height: 10,
    },
    [
      { expr: named('max by (allocation_value) (allocation:bedrock_allocation_cost_usd_daily_settled:wow_ratio{allocation_key=~"$allocation_key"})') },
      { expr: named('max by (allocation_value) (allocation:bedrock_allocation_cost_usd_daily_settled:avg_7d{allocation_key=~"$allocation_key"})') },
      { expr: named('max by (allocation_value) (allocation:bedrock_allocation_cost_usd_month_to_date:projected_month_end{allocation_key=~"$allocation_key"})') },
    ],
    [
      { field: 'allocation_value', header: 'Value' },
      { field: '#A', header: 'Week over week' },
      { field: '#B', header: 'Daily spend, 7-day average', unit: 'currencyUSD' },
      { field: '#C', header: 'Projected month end', unit: 'currencyUSD' },
    ],
  ),
  timeSeries(
    { title: 'Daily spend by value', description: usageText("Each value's spend per settled day.", WHO, SETTLED), unit: 'currencyUSD', span: 24, height: 9 },
    [{ expr: named('max by (allocation_value) (allocation:bedrock_allocation_cost_usd_daily_settled:sum{allocation_key=~"$allocation_key", allocation_value=~"$allocation_value"})'), legend: '{{allocation_value}}' }],
  ),
];

const models = [
  table(
    {
      title: "A value's models",
      description: usageText('One row per value and model: month-to-date spend (every kind of usage) and tokens. Narrow it with the value filter above.', WHO, MONTH_TO_DATE),
      unit: 'short',
      span: 24,
      height: 12,
    },
    [{ expr: named(sum(allocation(COST, 'allocation_value=~"$allocation_value"'), 'allocation_value, model')) }, { expr: named(sum(allocation(TOKENS, 'allocation_value=~"$allocation_value"'), 'allocation_value, model')) }],
    [
      { field: 'allocation_value', header: 'Value' },
      { field: 'model', header: 'Model' },
      { field: '#A', header: 'Spend', unit: 'currencyUSD' },
      { field: '#B', header: 'Tokens' },
    ],
  ),
  timeSeries(
    { title: 'Spend by value, month to date, over time', description: usageText('Month-to-date spend of each value over time: the slope is the daily spend; each line restarts at zero on the 1st.', WHO, MONTH_TO_DATE), unit: 'currencyUSD', span: 24, height: 9 },
    [{ expr: byValue(COST, 'allocation_value=~"$allocation_value"'), legend: '{{allocation_value}}' }],
  ),
];

export function chargebackDashboard(): Dashboard {
  return dashboard({
    uid: CHARGEBACK_UID,
    title: 'Amazon Bedrock / Chargeback',
    description: 'Who spends on Amazon Bedrock: spend and tokens by team, application or business unit, from cost allocation tags and cost categories on the AWS bill (Cost Explorer).',
    from: '30d',
    variables: [datasourceVariable(), ...allocationVariables()],
    rows: [
      { title: 'Month to date', panels: monthToDate },
      { title: 'Growth', panels: growth },
      { title: 'Models', panels: models },
    ],
  });
}
