// What the live plane costs in CloudWatch GetMetricData ($0.01 per 1,000 metrics returned) with its
// default settings: the exporter polls the emulator for a day on a moved clock (every 5 minutes,
// --live.interval) and its own spend counter says what AWS would bill. The organization is the
// emulator's demo one read with the first account's credentials: the regions its bill shows, the
// model ids it calls there.
import { createCollector } from '../src/commands/collector.js';
import { generateDataset } from '../src/emulator/dataset.js';
import { startEmulator } from '../src/emulator/server.js';
import { GET_METRIC_DATA_PRICE_USD_PER_METRIC } from '../src/cloudwatch/client.js';
import { HealthMetrics } from '../src/metrics/health.js';
import { parseLabels } from '../src/metrics/series.js';
import { VERSION } from '../src/version.js';
import { configFrom, silentLogger } from './stack.js';
import { progress } from './stats.js';

const TODAY = '2026-11-18';
const SIZE = 'demo';
const POLL_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
const DAYS_A_MONTH = 30;

/** The label sets of a family's series in exposition text. */
const labelSetsOf = (text: string, name: string): Array<Record<string, string>> =>
  text.split('\n').filter((line) => line.startsWith(`${name}{`)).map((line) => Object.fromEntries(parseLabels(line.slice(name.length, line.lastIndexOf('}') + 1))));

export async function runLiveSpendBench(): Promise<string> {
  const clock = { now: new Date(`${TODAY}T00:02:30Z`) };
  const emulator = await startEmulator({ dataset: generateDataset({ seed: 7, size: SIZE, today: TODAY }), clock: () => clock.now });
  const health = new HealthMetrics(VERSION, { processMetrics: false });
  const running = createCollector(configFrom(['--live.enabled=true']), { health, logger: silentLogger(), clock: () => clock.now, target: { endpoint: emulator.url, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } } });
  try {
    const spend = async (): Promise<number> => (await health.spend.get()).values.find((value) => value.labels.api === 'cloudwatch')?.value ?? 0;
    // The first polls read the day so far and the settled day: a day on, the steady cost.
    await running.collector.refresh();
    const start = clock.now.getTime();
    const before = await spend();
    const requestsBefore = emulator.stats().requests.GetMetricData ?? 0;
    let polls = 0;
    for (let at = start + POLL_MS; at < start + DAY_MS; at += POLL_MS) {
      clock.now = new Date(at);
      await running.collector.refresh();
      polls++;
      if (polls % 48 === 0) progress(`live spend: ${polls} polls`);
    }
    const day = (await spend()) - before;
    const requests = (emulator.stats().requests.GetMetricData ?? 0) - requestsBefore;
    const tokens = labelSetsOf(running.collector.snapshot?.text ?? '', 'bedrock_live_tokens_total');
    const regions = new Set(tokens.map((labels) => labels.region));
    const models = new Set(tokens.map((labels) => `${labels.region}|${labels.model}`));
    const metricsPerPoll = day / polls / GET_METRIC_DATA_PRICE_USD_PER_METRIC;
    const perPair = day / models.size;
    return [
      '| organization read | polls a day | GetMetricData requests a day | metrics a poll | a day | a month (30 days) | a month per model and region |',
      '|---|---|---|---|---|---|---|',
      `| emulator ${SIZE}, first account: ${regions.size} regions, ${new Set(tokens.map((labels) => labels.model)).size} models (${models.size} model and region pairs) | ${polls} | ${requests} | ${metricsPerPoll.toFixed(0)} | $${day.toFixed(2)} | $${(day * DAYS_A_MONTH).toFixed(2)} | $${(perPair * DAYS_A_MONTH).toFixed(2)} |`,
    ].join('\n');
  } finally {
    await running.close();
    await emulator.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runLiveSpendBench());
  progress('done');
}
