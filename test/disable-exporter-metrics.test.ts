// --web.disable-exporter-metrics drops the process and Node.js metrics, as node_exporter's flag does.
import t from 'tap';
import { pino } from 'pino';
import { startExporter } from '../src/commands/serve.js';
import { loadConfig } from '../src/config.js';

async function metricsWith(flags: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { config } = loadConfig(['--web.listen-address=127.0.0.1:0', ...flags], env);
  const exporter = await startExporter(config, pino({ level: 'silent' }), { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    return await (await fetch(`${exporter.urls[0]}/metrics`)).text();
  } finally {
    await exporter.close();
  }
}

const has = (text: string, prefix: string): boolean => text.split('\n').some((line) => line.startsWith(prefix));

t.test('by default /metrics has the process and Node.js metrics', async (t) => {
  const text = await metricsWith([]);
  t.ok(has(text, 'process_cpu_user_seconds_total'));
  t.ok(has(text, 'nodejs_heap_size_total_bytes'));
});

t.test('the bare switch drops them and keeps the exporter health', async (t) => {
  const text = await metricsWith(['--web.disable-exporter-metrics']);
  t.notOk(has(text, 'process_'));
  t.notOk(has(text, 'nodejs_'));
  t.ok(has(text, 'bedrock_exporter_build_info'));
});

t.test('the environment and the file key set it too', async (t) => {
  t.equal(loadConfig([], { BEDROCK_EXPORTER_WEB_DISABLE_EXPORTER_METRICS: 'true' }).config.web.disableExporterMetrics, true);
  t.equal(loadConfig([], {}).config.web.disableExporterMetrics, false);
  t.throws(() => loadConfig(['--web.disable-exporter-metrics=yes'], {}), { code: 'BUE_ERR_CONFIG' });
});
