import t from 'tap';
import { COST_EXPLORER } from '../../src/cost-explorer/client.js';
import { HealthMetrics } from '../../src/metrics/health.js';
import { parseExposition } from '../helpers/exposition.js';

const samplesOf = async (health: HealthMetrics, name: string) => parseExposition(await health.registry.metrics()).filter((sample) => sample.name === name);

t.test('a declared API has every request series at 0 from the start, and its spend', async (t) => {
  const health = new HealthMetrics('test', { processMetrics: false });
  t.same(await samplesOf(health, 'bedrock_exporter_aws_requests_total'), [], 'nothing before an API is declared');
  health.declareApi(COST_EXPLORER);
  const requests = await samplesOf(health, 'bedrock_exporter_aws_requests_total');
  t.equal(requests.length, COST_EXPLORER.operations.length * 3, 'each operation, each outcome');
  t.ok(requests.every((sample) => sample.labels.api === 'cost_explorer' && sample.value === 0));
  t.same((await samplesOf(health, 'bedrock_exporter_aws_spend_usd_total')).map((sample) => [sample.labels, sample.value]), [[{ api: 'cost_explorer' }, 0]]);
});

t.test('spend adds up per API, exactly, whatever the price', async (t) => {
  const health = new HealthMetrics('test', { processMetrics: false });
  for (let i = 0; i < 13; i++) health.countRequest({ api: 'cost_explorer', operation: 'GetCostAndUsage', outcome: 'success', costUsd: 0.01 });
  health.countRequest({ api: 'cost_explorer', operation: 'GetCostAndUsage', outcome: 'throttled', costUsd: 0 });
  // CloudWatch bills GetMetricData per metric: $0.00001 each.
  for (let i = 0; i < 7; i++) health.countRequest({ api: 'cloudwatch', operation: 'GetMetricData', outcome: 'success', costUsd: 3 * 0.00001 });
  const spend = Object.fromEntries((await samplesOf(health, 'bedrock_exporter_aws_spend_usd_total')).map((sample) => [sample.labels.api, sample.value]));
  t.same(spend, { cost_explorer: 0.13, cloudwatch: 0.00021 }, 'no float drift (0.12999999999999998)');
  const requests = await samplesOf(health, 'bedrock_exporter_aws_requests_total');
  const count = (api: string, outcome: string) => requests.find((sample) => sample.labels.api === api && sample.labels.outcome === outcome)?.value;
  t.equal(count('cost_explorer', 'success'), 13);
  t.equal(count('cost_explorer', 'throttled'), 1);
  t.equal(count('cloudwatch', 'success'), 7);
});
