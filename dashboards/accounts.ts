import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard } from './layout.js';
import { barGauge, table, timeSeries } from './panels.js';
import { sum } from './promql.js';
import { MONTH_TO_DATE, usageText } from './text.js';
import { datasourceVariable, series, usage, usageVariables } from './variables.js';

export const ACCOUNTS_UID = 'bedrock-accounts';

const COST = 'bedrock_cost_usd_month_to_date';
const TOKENS = 'bedrock_tokens_month_to_date';

const ACCOUNT = 'The account is the linked account that used Bedrock (the 12-digit id, with its name where Cost Explorer gives one); it is absent when the exporter runs with --collection.account-breakdown=false.';
const REGION = 'The region is the AWS region in the usage type; cross-region inference bills the source region.';

// The account's name from bedrock_account_info where Cost Explorer gave one; an account without a name
// keeps its id alone rather than dropping out of the panel. topk: one name per account even while a
// renamed account's old series is still fresh.
const withAccountName = (byAccount: string) =>
  `(${byAccount} * on (account) group_left (account_name) topk by (account) (1, ${series('bedrock_account_info')})) or on (account) ${byAccount}`;
const ACCOUNT_LEGEND = '{{account}} {{account_name}}';

const ranking = (title: string, description: string, unit: string, metric: string, label: string) => {
  const byLabel = sum(usage(metric), label);
  return barGauge({ title, description, unit, span: 6, height: 9 }, [
    label === 'account' ? { expr: `sort_desc(${withAccountName(byLabel)})`, legend: ACCOUNT_LEGEND } : { expr: `sort_desc(${byLabel})`, legend: `{{${label}}}` },
  ]);
};

const monthToDate = [
  ranking('Spend by account, month to date', usageText('Month-to-date spend by linked account.', ACCOUNT, MONTH_TO_DATE), 'currencyUSD', COST, 'account'),
  ranking('Tokens by account, month to date', usageText('Month-to-date tokens by linked account.', ACCOUNT, MONTH_TO_DATE), 'short', TOKENS, 'account'),
  ranking('Spend by region, month to date', usageText('Month-to-date spend by AWS region.', REGION, MONTH_TO_DATE), 'currencyUSD', COST, 'region'),
  ranking('Tokens by region, month to date', usageText('Month-to-date tokens by AWS region.', REGION, MONTH_TO_DATE), 'short', TOKENS, 'region'),
];

const whoUsesWhat = [
  table(
    {
      title: 'Who uses what, where',
      description: usageText(
        'One row per account, region and model: month-to-date spend (every kind of usage) and tokens. Rows without a model are usage such as guardrails; rows without tokens are non-token usage.',
        ACCOUNT,
        MONTH_TO_DATE,
      ),
      unit: 'short',
      span: 24,
      height: 12,
    },
    [{ expr: sum(usage(COST), 'account, region, model') }, { expr: sum(usage(TOKENS), 'account, region, model') }],
    [
      { field: 'account', header: 'Account' },
      { field: 'region', header: 'Region' },
      { field: 'model', header: 'Model' },
      { field: '#A', header: 'Spend', unit: 'currencyUSD' },
      { field: '#B', header: 'Tokens' },
    ],
  ),
  barGauge(
    {
      title: 'Models used per account, month to date',
      description: usageText('How many distinct models each account used this month: broad adoption or a single team on a single model.', ACCOUNT, MONTH_TO_DATE),
      unit: 'short',
      span: 12,
      height: 9,
    },
    [{ expr: `sort_desc(${withAccountName(`count by (account) (${sum(usage(COST, 'model!=""'), 'account, model')})`)})`, legend: ACCOUNT_LEGEND }],
  ),
  barGauge(
    {
      title: 'Accounts using each model, month to date',
      description: usageText('How many accounts used each model this month: a model used by one account is one team\'s choice, one used by many is a platform.', ACCOUNT, MONTH_TO_DATE),
      unit: 'short',
      span: 12,
      height: 9,
    },
    [{ expr: `sort_desc(count by (model) (${sum(usage(COST, 'model!=""'), 'account, model')}))`, legend: '{{model}}' }],
  ),
];

const overTime = [
  timeSeries(
    {
      title: 'Spend by account, month to date, over time',
      description: usageText('Month-to-date spend of each account over time: the slope is the daily spend; each line restarts at zero on the 1st.', ACCOUNT, MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 12,
      height: 9,
    },
    [{ expr: withAccountName(sum(usage(COST), 'account')), legend: ACCOUNT_LEGEND }],
  ),
  timeSeries(
    {
      title: 'Spend by region, month to date, over time',
      description: usageText('Month-to-date spend of each region over time: the slope is the daily spend; each line restarts at zero on the 1st.', REGION, MONTH_TO_DATE),
      unit: 'currencyUSD',
      span: 12,
      height: 9,
    },
    [{ expr: sum(usage(COST), 'region'), legend: '{{region}}' }],
  ),
];

export function accountsDashboard(): Dashboard {
  return dashboard({
    uid: ACCOUNTS_UID,
    title: 'Amazon Bedrock / Accounts and regions',
    description: 'Who uses Amazon Bedrock and where: spend and tokens by linked account and AWS region, from the AWS bill (Cost Explorer).',
    from: '30d',
    variables: [datasourceVariable(), ...usageVariables()],
    rows: [
      { title: 'Month to date', panels: monthToDate },
      { title: 'Who uses what, where', panels: whoUsesWhat },
      { title: 'Over time', panels: overTime },
    ],
  });
}
