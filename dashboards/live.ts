import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard } from './layout.js';
import { stat, table, THRESHOLD_LINE, thresholds, timeSeries } from './panels.js';
import { sum } from './promql.js';
import { THRESHOLDS } from './text.js';
import { datasourceVariable, series, usage, usageRate, usageVariables } from './variables.js';

export const LIVE_UID = 'bedrock-live';

const TOKENS = 'bedrock_live_tokens_total';
const COST = 'bedrock_live_estimated_cost_usd_total';
const COST_BY_TAG = 'bedrock_live_allocation_estimated_cost_usd_total';

export const LIVE =
  "From CloudWatch's per-minute Bedrock metrics (the live plane, on by default): a minute shows about two minutes after it ends and the exporter polls every 5 minutes (--live.interval), so the last few minutes are missing. Estimated: the tokens priced at the bill's own rate over the last settled days; the bill stays the truth.";

const rate15m = (metric: string): string => usageRate(metric, '15m');

/** Today before the bill shows it, for the overview too. */
export const todaySoFar = {
  spend: sum(usage(COST)),
  tokens: sum(usage(TOKENS)),
  spendPerHour: `${sum(rate15m(COST))} * 3600`,
};

const now = [
  stat(
    { title: 'Estimated spend per hour, last 15 minutes', description: `What Bedrock is spending now, per hour, over the last 15 minutes. ${LIVE}`, unit: 'currencyUSD', span: 5, height: 5 },
    [{ expr: todaySoFar.spendPerHour }],
  ),
  stat(
    { title: 'Estimated spend today so far', description: `Since 00:00 UTC; the bill shows today a day or two later. ${LIVE}`, unit: 'currencyUSD', span: 5, height: 5 },
    [{ expr: todaySoFar.spend }],
  ),
  stat(
    { title: 'Tokens today so far', description: `Tokens of every direction since 00:00 UTC. ${LIVE}`, unit: 'short', span: 5, height: 5 },
    [{ expr: todaySoFar.tokens }],
  ),
  stat(
    {
      title: 'Live data age',
      description: 'Time since the end of the latest minute the exporter has read from CloudWatch, in the oldest region: normally 2 to 8 minutes (publication delay plus the poll interval).',
      unit: 's',
      span: 4,
      height: 5,
    },
    [{ expr: `time() - min(max without (instance) (${series('bedrock_live_data_timestamp_seconds', 'region=~"$region"')}))` }],
  ).thresholds(thresholds('green', [900, 'orange'], [1800, 'red'])),
  stat(
    { title: 'Runaway spend limit per hour', description: `The estimated spend per hour above which the runaway alert pages. ${THRESHOLDS}`, unit: 'currencyUSD', span: 5, height: 5 },
    [{ expr: 'bedrock:alert_threshold:live_spend_usd_per_hour' }],
  ),
];

const spendAndTokens = [
  timeSeries(
    {
      title: 'Estimated spend per hour by model',
      description: `Each model's estimated spend per hour over a sliding 15 minutes, against the runaway alert's hourly limit (it also compares all models with the same time a week ago). ${LIVE}`,
      unit: 'currencyUSD',
      span: 12,
      height: 9,
    },
    [
      { expr: `${sum(rate15m(COST), 'model')} * 3600`, legend: '{{model}}' },
      { expr: 'bedrock:alert_threshold:live_spend_usd_per_hour', legend: 'runaway limit' },
    ],
  ).overrideByName('runaway limit', THRESHOLD_LINE),
  timeSeries(
    {
      title: 'Estimated spend per hour by tag',
      description: `Who spends now: the estimated spend per hour over a sliding 15 minutes by each cost allocation tag (--collection.allocation-tag) of the application inference profiles called; calls through other ids show an empty value. ${LIVE}`,
      unit: 'currencyUSD',
      span: 12,
      height: 9,
    },
    [{ expr: `${sum(rate15m(COST_BY_TAG), 'allocation_key, allocation_value')} * 3600`, legend: '{{allocation_key}}={{allocation_value}}' }],
  ),
  timeSeries(
    { title: 'Tokens per minute by model and direction', description: `Tokens a minute over a sliding 15 minutes. ${LIVE}`, unit: 'short', span: 12, height: 9 },
    [{ expr: `${sum(rate15m(TOKENS), 'model, direction')} * 60`, legend: '{{model}} {{direction}}' }],
  ),
];

const calls = [
  timeSeries(
    { title: 'Calls per minute by model', description: `Model invocations a minute over a sliding 15 minutes. ${LIVE}`, unit: 'short', span: 8, height: 8 },
    [{ expr: `${sum(rate15m('bedrock_live_invocations_total'), 'model')} * 60`, legend: '{{model}}' }],
  ),
  timeSeries(
    { title: 'Throttled share of calls by model', description: `The share of each model's calls Bedrock throttled over a sliding 15 minutes; the throttling alert's threshold dashed. ${THRESHOLDS}`, unit: 'percentunit', span: 8, height: 8 },
    [
      { expr: `${sum(rate15m('bedrock_live_throttles_total'), 'model')} / (${sum(rate15m('bedrock_live_invocations_total'), 'model')} > 0)`, legend: '{{model}}' },
      { expr: 'bedrock:alert_threshold:live_throttle_ratio', legend: 'threshold' },
    ],
  ).overrideByName('threshold', THRESHOLD_LINE),
  timeSeries(
    { title: 'Failed calls per minute by type', description: `Invocations that failed, client errors (bad requests, access) and server errors, a minute over a sliding 15 minutes. ${LIVE}`, unit: 'short', span: 8, height: 8 },
    [{ expr: `${sum(rate15m('bedrock_live_errors_total'), 'model, type')} * 60`, legend: '{{model}} {{type}}' }],
  ),
];

const QUOTA_KEY = 'account, region, model, quota';
const quotaShare = `max by (${QUOTA_KEY}) (${usage('bedrock_live_quota_usage_tokens_per_minute')}) / max by (${QUOTA_KEY}) (${usage('bedrock_quota_tokens_per_minute')})`;

const headroom = [
  timeSeries(
    {
      title: 'Quota used at the busiest recent minute',
      description: `The busiest of the last 5 published minutes of CloudWatch's EstimatedTPMQuotaUsage over the model's tokens-per-minute quota (Service Quotas), per account, region, model and quota (on_demand, cross_region, global); the alert's threshold dashed. Past 100% Bedrock throttles. ${THRESHOLDS}`,
      unit: 'percentunit',
      span: 12,
      height: 9,
    },
    [
      { expr: quotaShare, legend: '{{model}} {{quota}} {{region}} {{account}}' },
      { expr: 'bedrock:alert_threshold:live_quota_usage_ratio', legend: 'threshold' },
    ],
  ).overrideByName('threshold', THRESHOLD_LINE),
  table(
    {
      title: 'Quotas of the models called today',
      description: "Each called model's tokens-per-minute quota per scope, the busiest recent minute's usage against it, and the share.",
      unit: 'short',
      span: 12,
      height: 9,
    },
    [
      { expr: `max by (${QUOTA_KEY}) (${usage('bedrock_quota_tokens_per_minute')})` },
      { expr: `max by (${QUOTA_KEY}) (${usage('bedrock_live_quota_usage_tokens_per_minute')})` },
      { expr: quotaShare },
    ],
    [
      { field: 'account', header: 'Account' },
      { field: 'region', header: 'Region' },
      { field: 'model', header: 'Model' },
      { field: 'quota', header: 'Quota' },
      { field: '#A', header: 'Tokens per minute allowed' },
      { field: '#B', header: 'Busiest recent minute' },
      { field: '#C', header: 'Share used', unit: 'percentunit' },
    ],
  ),
];

const reconciliation = [
  table(
    {
      title: 'Reconciliation ratio with the bill, latest settled day',
      description:
        "CloudWatch's tokens over the bill's for the latest settled day, per account, region, model and direction (batch jobs and the mantle endpoint's cache tokens left out): 1 is in step, 0 an account or region the live plane does not read. The drift alert fires beyond 5%.",
      unit: 'percentunit',
      span: 24,
      height: 10,
    },
    [{ expr: usage('bedrock_live_reconciliation_ratio') }],
    [
      { field: 'account', header: 'Account' },
      { field: 'region', header: 'Region' },
      { field: 'model', header: 'Model' },
      { field: 'direction', header: 'Direction' },
      { field: '#A', header: 'Live over billed' },
    ],
  ),
];

export function liveDashboard(): Dashboard {
  return dashboard({
    uid: LIVE_UID,
    title: 'Bedrock live',
    description: "What Bedrock is doing now, from CloudWatch's per-minute metrics, priced at the bill's own rates: spend and tokens since midnight UTC, calls, throttling, quota headroom, and how well the live plane agrees with the bill.",
    from: '6h',
    variables: [datasourceVariable(), ...usageVariables()],
    rows: [
      { title: 'Now', panels: now },
      { title: 'Spend and tokens', panels: spendAndTokens },
      { title: 'Calls', panels: calls },
      { title: 'Quota headroom', panels: headroom },
      { title: 'Agreement with the bill', panels: reconciliation },
    ],
  });
}
