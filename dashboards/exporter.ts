import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard } from './layout.js';
import { stat, table, THRESHOLD_LINE, thresholds, timeSeries, valueText } from './panels.js';
import { THRESHOLDS } from './text.js';
import { datasourceVariable, exporter, exporterVariables } from './variables.js';

export const EXPORTER_UID = 'bedrock-exporter';

const REQUESTS = 'bedrock_exporter_aws_requests_total';
const SPEND = 'bedrock_exporter_aws_spend_usd_total';

const PRICE = 'Cost Explorer bills $0.01 for every request page that returns data; the exporter reads in the background, never on a scrape, and reads a settled day only once. Every AWS API the exporter calls is counted here, by the api label.';

const refresh = [
  stat(
    { title: 'Scrape', description: 'Whether Prometheus reaches the exporter (the up series of its scrape job).', unit: 'none', span: 4, height: 5 },
    [{ expr: `min(${exporter('up')})` }],
  ).mappings(valueText({ '0': { text: 'Down', color: 'red' }, '1': { text: 'Up', color: 'green' } })),
  stat(
    {
      title: 'Last refresh',
      description: 'Whether the last refresh from Cost Explorer succeeded. After a failure the exporter keeps serving the last good data and retries with backoff.',
      unit: 'none',
      span: 4,
      height: 5,
    },
    [{ expr: `min(${exporter('bedrock_exporter_refresh_success')})` }],
  ).mappings(valueText({ '0': { text: 'Failed', color: 'red' }, '1': { text: 'OK', color: 'green' } })),
  stat(
    {
      title: 'Since last successful refresh',
      description: `Time since the exporter last read Cost Explorer successfully; it refreshes every 4 h by default (--refresh.interval), and the stale-data alert fires past a threshold. ${THRESHOLDS}`,
      unit: 's',
      span: 4,
      height: 5,
    },
    [{ expr: `time() - max(${exporter('bedrock_exporter_last_refresh_success_timestamp_seconds')})` }],
  ),
  stat(
    {
      title: 'Data age',
      description:
        'Time since the start of the UTC day that the daily values describe. Normally 24 to 48 h: Cost Explorer data lags, so the last complete day is yesterday, still partial and revised for about two days. More means the refresh or Cost Explorer is behind.',
      unit: 's',
      span: 4,
      height: 5,
    },
    [{ expr: `time() - max(${exporter('bedrock_data_day_timestamp_seconds')})` }],
  ),
  stat(
    {
      title: 'Estimated data',
      description: 'Whether Cost Explorer still marks each window as estimated; estimated figures are revised, usually upward, as late usage records arrive.',
      unit: 'none',
      span: 4,
      height: 5,
    },
    [{ expr: `max by (window) (${exporter('bedrock_data_estimated')})`, legend: '{{window}}' }],
  ).mappings(valueText({ '0': { text: 'Final', color: 'green' }, '1': { text: 'Estimated', color: 'orange' } })),
  stat(
    { title: 'Last refresh took', description: 'How long the last refresh from Cost Explorer took, retries and pagination included.', unit: 's', span: 4, height: 5 },
    [{ expr: `max(${exporter('bedrock_exporter_refresh_duration_seconds')})` }],
  ),
  timeSeries(
    {
      title: 'Time since last successful refresh',
      description: `Time since the last successful refresh, per instance, and the threshold past which the data counts as stale. ${THRESHOLDS}`,
      unit: 's',
      span: 12,
      height: 8,
    },
    [
      { expr: `time() - max by (instance) (${exporter('bedrock_exporter_last_refresh_success_timestamp_seconds')})`, legend: '{{instance}}' },
      { expr: 'bedrock:alert_threshold:exporter_stale_seconds', legend: 'stale threshold' },
    ],
  ).overrideByName('stale threshold', THRESHOLD_LINE),
  timeSeries(
    { title: 'Refresh duration', description: 'How long each refresh from Cost Explorer took, per instance.', unit: 's', span: 12, height: 8 },
    [{ expr: exporter('bedrock_exporter_refresh_duration_seconds'), legend: '{{instance}}' }],
  ),
];

const awsRequests = [
  stat(
    { title: 'AWS requests in range', description: `AWS requests in the selected time range, every page and every retry. ${PRICE}`, unit: 'short', span: 4, height: 5 },
    [{ expr: `sum(increase(${exporter(REQUESTS)}[$__range]))` }],
  ),
  stat(
    { title: 'Failed AWS requests in range', description: 'AWS requests in the selected time range that were throttled or failed; the exporter retried them.', unit: 'short', span: 4, height: 5 },
    [{ expr: `sum(increase(${exporter(REQUESTS, 'outcome!="success"')}[$__range])) or vector(0)` }],
  ).thresholds(thresholds('green', [1, 'orange'])),
  stat(
    { title: 'AWS cost in range', description: `What the exporter's AWS requests cost in the selected time range. ${PRICE}`, unit: 'currencyUSD', span: 4, height: 5 },
    [{ expr: `sum(increase(${exporter(SPEND)}[$__range]))` }],
  ),
  stat(
    {
      title: 'AWS cost, projected per month',
      description: `The last 7 days of the exporter's AWS request cost, extrapolated to 30 days as the cost alert does (so the one-off reading of history at start-up weighs little). ${PRICE}`,
      unit: 'currencyUSD',
      span: 6,
      height: 5,
    },
    [{ expr: `sum(increase(${exporter(SPEND)}[7d])) * 30 / 7` }],
  ),
  stat(
    { title: 'Monthly AWS allowance', description: `The exporter's monthly AWS cost above which its cost alert fires. ${THRESHOLDS}`, unit: 'currencyUSD', span: 6, height: 5 },
    [{ expr: 'bedrock:alert_threshold:exporter_aws_spend_usd_monthly' }],
  ),
  timeSeries(
    {
      title: 'AWS requests per hour',
      description: `Requests the exporter sent to AWS per hour, by API, operation and outcome (success, throttled, error); every page and every retry counts. ${PRICE}`,
      unit: 'short',
      span: 24,
      height: 8,
    },
    [{ expr: `sum by (api, operation, outcome) (increase(${exporter(REQUESTS)}[1h]))`, legend: '{{api}} {{operation}} {{outcome}}', minStep: '1h' }],
    { bars: true, stacked: true },
  ),
];

const dataQuality = [
  stat(
    {
      title: 'Unrecognized usage types',
      description:
        'Distinct Bedrock usage types in the current data that no grammar of the exporter recognises. Their cost is still exported, with kind="unknown", so totals stay equal to the bill; please report them.',
      unit: 'short',
      span: 6,
      height: 8,
    },
    [{ expr: `max(${exporter('bedrock_exporter_unrecognized_usage_types')})` }],
  ).thresholds(thresholds('green', [1, 'orange'])),
  stat(
    {
      title: 'Unrecognized spend, month to date',
      description: 'Month-to-date spend on usage types the exporter could not classify (kind="unknown"). Cost Explorer data lags, so the latest day is partial.',
      unit: 'currencyUSD',
      span: 6,
      height: 8,
    },
    [{ expr: `sum(max without (instance) (${exporter('bedrock_cost_usd_month_to_date', 'kind="unknown"')})) or vector(0)` }],
  ),
  table(
    {
      title: 'Unrecognized usage types',
      description: 'The usage types behind kind="unknown", with the Cost Explorer service that billed them: what to report so the exporter learns them.',
      unit: 'none',
      span: 12,
      height: 8,
    },
    [{ expr: `max by (service, usage_type) (${exporter('bedrock_usage_type_info', 'kind="unknown"')})` }],
    [
      { field: 'service', header: 'Service' },
      { field: 'usage_type', header: 'Usage type' },
    ],
  ).noValue('None: every usage type is recognised'),
];

const processPanels = [
  table(
    { title: 'Build', description: 'Version of the exporter and of Node.js on each instance.', unit: 'none', span: 6, height: 7 },
    [{ expr: exporter('bedrock_exporter_build_info') }],
    [
      { field: 'instance', header: 'Instance' },
      { field: 'version', header: 'Version' },
      { field: 'nodejs', header: 'Node.js' },
    ],
  ),
  timeSeries(
    { title: 'Resident memory', description: 'Resident memory of the exporter process.', unit: 'bytes', span: 6, height: 7 },
    [{ expr: exporter('process_resident_memory_bytes'), legend: '{{instance}}' }],
  ),
  timeSeries(
    { title: 'CPU', description: 'CPU time used by the exporter process per second (1 = one full core).', unit: 'percentunit', span: 6, height: 7 },
    [{ expr: `rate(${exporter('process_cpu_seconds_total')}[$__rate_interval])`, legend: '{{instance}}' }],
  ),
  timeSeries(
    { title: 'Event loop lag, p99', description: 'The 99th percentile of the Node.js event loop lag: high values mean slow scrapes.', unit: 's', span: 6, height: 7 },
    [{ expr: exporter('nodejs_eventloop_lag_p99_seconds'), legend: '{{instance}}' }],
  ),
];

export function exporterDashboard(): Dashboard {
  return dashboard({
    uid: EXPORTER_UID,
    title: 'Amazon Bedrock / Exporter health',
    description: "bedrock-usage-exporter's own health: refresh status, data age, Cost Explorer requests and what they cost, and usage types it does not recognise.",
    from: '7d',
    variables: [datasourceVariable(), ...exporterVariables()],
    rows: [
      { title: 'Refresh', panels: refresh },
      { title: 'AWS requests and cost', panels: awsRequests },
      { title: 'Data quality', panels: dataQuality },
      { title: 'Process', panels: processPanels },
    ],
  });
}
