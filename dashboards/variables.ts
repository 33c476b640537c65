import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';

/** Every panel and every query reads from the data source the `datasource` variable selects. */
export const DATASOURCE: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** The provisioned Prometheus data source (grafana/provisioning/datasources/prometheus.yml). */
export const PROVISIONED_DATASOURCE_UID = 'prometheus';

export function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus')
    .current({ selected: true, text: 'Prometheus', value: PROVISIONED_DATASOURCE_UID });
}

/**
 * The exporter's scrape job, which every query of its series selects (as the rules do), so that
 * another job's series of the same names never mix in. The mixin (mixin/) replaces it with its own.
 */
export const JOB_SELECTOR = 'job="bedrock-usage-exporter"';

/** `metric{job="...", matchers}`: a series of the exporter's job. */
export const series = (metric: string, matchers = ''): string => `${metric}{${matchers === '' ? JOB_SELECTOR : `${JOB_SELECTOR}, ${matchers}`}}`;

// `.*` rather than Grafana's list of every value: it also matches series whose label is absent
// (usage without a model, or no account label when the account breakdown is off).
function multiValueVariable(name: string, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

// The cost gauge carries every label the other families have, and non-token usage too.
const SOURCE = 'bedrock_cost_usd_month_to_date';

/** account, region, provider, model: each one narrowed by the ones before it. */
export function usageVariables(): QueryVariableBuilder[] {
  return [
    multiValueVariable('account', 'Account', `label_values(${series(SOURCE)}, account)`),
    multiValueVariable('region', 'Region', `label_values(${series(SOURCE, 'account=~"$account"')}, region)`),
    multiValueVariable('provider', 'Provider', `label_values(${series(SOURCE, 'account=~"$account", region=~"$region"')}, provider)`),
    multiValueVariable('model', 'Model', `label_values(${series(SOURCE, 'account=~"$account", region=~"$region", provider=~"$provider"')}, model)`),
  ];
}

const ALLOCATION_SOURCE = 'bedrock_allocation_cost_usd_month_to_date';

/** The key (one at a time: values of different keys overlap) and its values, for the chargeback dashboard. */
export function allocationVariables(): QueryVariableBuilder[] {
  const keys = `label_values(${series(ALLOCATION_SOURCE)}, allocation_key)`;
  const key = new QueryVariableBuilder('allocation_key')
    .label('Tag or cost category')
    .datasource(DATASOURCE)
    .query(keys)
    .definition(keys)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
  return [key, multiValueVariable('allocation_value', 'Value', `label_values(${series(ALLOCATION_SOURCE, 'allocation_key=~"$allocation_key"')}, allocation_value)`)];
}

/** The exporter's instances (of its job), for its health dashboard. */
export function exporterVariables(): QueryVariableBuilder[] {
  return [multiValueVariable('instance', 'Instance', `label_values(${series('bedrock_exporter_build_info')}, instance)`)];
}

const USAGE_MATCHERS = 'account=~"$account", region=~"$region", provider=~"$provider", model=~"$model"';
const EXPORTER_MATCHERS = 'instance=~"$instance"';

const selector = (metric: string, matchers: string, extra: string): string => series(metric, extra === '' ? matchers : `${extra}, ${matchers}`);

/**
 * `metric{extra, account=~"$account", ...}`, a usage series narrowed by the dashboard's variables,
 * one value per series across exporter replicas, so that sums over it never count twice.
 */
export const usage = (metric: string, extra = ''): string => `max without (instance) (${selector(metric, USAGE_MATCHERS, extra)})`;

/** The per-second rate of a usage counter over `range`, narrowed as `usage` narrows, one value per series across replicas. */
export const usageRate = (metric: string, range: string): string => `max without (instance) (rate(${selector(metric, USAGE_MATCHERS, '')}[${range}]))`;

const ALLOCATION_MATCHERS = 'allocation_key=~"$allocation_key", allocation_value=~"$allocation_value"';

/** An allocation series narrowed by the key and values chosen, one value per series across replicas. */
export const allocation = (metric: string, extra = ''): string => `max without (instance) (${selector(metric, ALLOCATION_MATCHERS, extra)})`;

/** `metric{job="...", extra, instance=~"$instance"}`: one of the exporter's own series. */
export const exporter = (metric: string, extra = ''): string => selector(metric, EXPORTER_MATCHERS, extra);
