// Shared by the tests (through stack.ts for tap) and the soak/load benches: the product on loopback (emulator and
// exporter with the real SDK), ground-truth comparison, and watchers for what must never happen.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { startExporter, type Exporter } from '../../src/commands/serve.js';
import { loadConfig, type Config } from '../../src/config.js';
import { generateDataset, type Dataset, type LineItem, type Truth } from '../../src/emulator/dataset.js';
import type { FaultRule } from '../../src/emulator/faults.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { totals } from '../../src/emulator/truth.js';
import { addDays, dayOf, monthStart } from '../../src/time.js';
import { parseExposition, sumBy, type Sample } from '../helpers/exposition.js';

export interface RigOptions {
  now?: string;
  size?: 'tiny' | 'small' | 'demo' | 'large';
  scenario?: 'default' | 'growth';
  /** Instead of a generated one. */
  dataset?: Dataset;
  seed?: number;
  pageSize?: number;
  faults?: FaultRule[];
  flags?: string[];
  logger?: Logger;
  /** Default: the stack's own test credentials. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | 'sdk-chain';
  /**
   * Default: the emulator; a proxy in front of it when a test needs to see or change the wire;
   * 'environment' to find the emulator the way users point the SDK elsewhere (AWS_ENDPOINT_URL_COST_EXPLORER).
   */
  endpoint?: ((emulatorUrl: string) => string | Promise<string>) | 'environment';
}

export interface Rig {
  clock: { now: Date };
  dataset: Dataset;
  emulator: Emulator;
  exporter: Exporter;
  config: Config;
  url: string;
  metricsText(): Promise<string>;
  close(): Promise<void>;
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const clock = { now: new Date(options.now ?? '2026-11-20T12:00:00Z') };
  const dataset = options.dataset ?? generateDataset({ seed: options.seed ?? 7, size: options.size ?? 'small', today: dayOf(clock.now), scenario: options.scenario ?? 'default' });
  const emulator = await startEmulator({ dataset, clock: () => clock.now, pageSize: options.pageSize ?? 500, faults: options.faults ?? [] });
  // The billing plane's behaviour; a test of both planes asks for the live one (--live.enabled=true).
  const { config } = loadConfig(['--web.listen-address=127.0.0.1:0', '--aws.max-attempts=1', '--live.enabled=false', ...(options.flags ?? [])], {});
  const credentials = options.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' };
  let exporter: Exporter;
  try {
    // The live plane's APIs (CloudWatch, Bedrock, ...) through the SDK's variable for every service.
    if (options.endpoint === 'environment') Object.assign(process.env, { AWS_ENDPOINT_URL_COST_EXPLORER: emulator.url, AWS_ENDPOINT_URL: emulator.url });
    const endpoint = options.endpoint === 'environment' ? undefined : options.endpoint ? await options.endpoint(emulator.url) : emulator.url;
    exporter = await startExporter(config, options.logger ?? pino({ level: 'silent' }), {
      ...(endpoint ? { endpoint } : {}),
      ...(credentials === 'sdk-chain' ? {} : { credentials }),
      clock: () => clock.now,
      processMetrics: false,
    });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const url = exporter.urls[0]!;
  return {
    clock,
    dataset,
    emulator,
    exporter,
    config,
    url,
    metricsText: async () => (await fetch(`${url}${config.web.telemetryPath}`)).text(),
    close: async () => {
      await exporter.close();
      await emulator.close();
    },
  };
}

/** The snapshot's part of /metrics: everything before the exporter's own families. */
export function dataPart(text: string): string {
  const own = text.indexOf('# HELP bedrock_exporter_');
  return own < 0 ? text : text.slice(0, own);
}

export function gauge(text: string, name: string): number | undefined {
  return parseExposition(text).find((sample) => sample.name === name && Object.keys(sample.labels).length === 0)?.value;
}

export function counter(text: string, name: string, labels: Record<string, string>): number {
  const match = parseExposition(text).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return match?.value ?? 0;
}

export type Field = keyof LineItem | keyof Truth;
export type Measure = 'cost' | 'tokens' | 'quantity';

/** The data set's totals at `asOf` over [from, to), by the given fields; zero quantities left out. */
export function truthBy(dataset: Dataset, asOf: Date, from: string, to: string, by: Field[], measure: Measure, where?: (item: LineItem) => boolean): Map<string, number> {
  const result = new Map<string, number>();
  for (const [key, value] of totals(dataset, { asOf, from, to, by, ...(where ? { where } : {}) })) {
    if (value[measure] !== 0 || measure === 'cost') result.set(key, value[measure]);
  }
  return result;
}

/** Where scraped sums and truth disagree beyond float noise, one line each; [] when they agree. */
export function differences(actual: Map<string, number>, expected: Map<string, number>, what: string): string[] {
  const wrong: string[] = [];
  for (const key of new Set([...actual.keys(), ...expected.keys()])) {
    const a = actual.get(key) ?? 0;
    const e = expected.get(key) ?? 0;
    // Amounts are decimal strings summed in binary floating point on both sides.
    if (Math.abs(a - e) > 1e-6 * Math.max(1, Math.abs(e))) wrong.push(`${what} ${key}: got ${a}, truth ${e}`);
  }
  return wrong;
}

export const isTokens = (item: LineItem) => item.truth.kind === 'tokens';
export const isUsage = (item: LineItem) => item.truth.kind !== 'tokens' && item.usageQuantity !== 0;

/**
 * How the scraped samples differ from the data set's ground truth at `asOf` (both windows, with the
 * account label): [] when they are equal.
 */
export function truthDifferences(dataset: Dataset, asOf: Date, samples: readonly Sample[]): string[] {
  const today = dayOf(asOf);
  const wrong: string[] = [];
  for (const window of ['daily', 'month_to_date'] as const) {
    const [from, to] = window === 'daily' ? [addDays(today, -1), today] : [monthStart(today), addDays(today, 1)];
    const check = (metric: string, labels: Field[], measure: Measure, where?: (item: LineItem) => boolean) =>
      wrong.push(...differences(sumBy(samples, `${metric}_${window}`, labels), truthBy(dataset, asOf, from, to, labels, measure, where), `${metric}_${window} by ${labels.join(',')}`));
    check('bedrock_tokens', ['account', 'region', 'model', 'provider', 'direction', 'tier', 'route'], 'tokens', isTokens);
    check('bedrock_cost_usd', ['account', 'model', 'kind', 'direction', 'tier', 'route'], 'cost');
    check('bedrock_cost_usd', [], 'cost');
    check('bedrock_usage', ['account', 'kind'], 'quantity', isUsage);
  }
  return wrong;
}

/** Collects what must never happen in a process that keeps running: unhandled rejections, uncaught errors, leak warnings. */
export function watchProcess(): { problems: string[]; stop(): void } {
  const problems: string[] = [];
  const onRejection = (reason: unknown) => problems.push(`unhandledRejection: ${String(reason)}`);
  const onException = (error: Error) => problems.push(`uncaughtException: ${error.message}`);
  const onWarning = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') problems.push(`${warning.name}: ${warning.message}`);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);
  process.on('warning', onWarning);
  return {
    problems,
    stop: () => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtExceptionMonitor', onException);
      process.off('warning', onWarning);
    },
  };
}

/** Waits until `ready()` holds, polling; gives up after `limitMs` so a test stays bounded. */
export async function until(ready: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!ready()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** A logger whose JSON lines land in an array. */
export function capturingLogger(level: 'debug' | 'info' = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: pino({ level }, { write: (line: string) => lines.push(line) }), lines };
}

export interface Proxy {
  url: string;
  /** The access key id that signed each request ('(unsigned)' when none did). */
  signers: string[];
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of the emulator that notes who signed each request and may rewrite the
 * JSON answers, to show the exporter answers the emulator cannot give (well-formed JSON, wrong content).
 */
export async function startProxy(target: string, rewrite?: (operation: string, answer: Record<string, unknown>) => Record<string, unknown>): Promise<Proxy> {
  const signers: string[] = [];
  const server = createServer((req, res) => {
    signers.push(/Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '(unsigned)');
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const upstream = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        let body = Buffer.concat(chunks);
        if (rewrite && answer.statusCode === 200) body = Buffer.from(JSON.stringify(rewrite(operation, JSON.parse(body.toString()) as Record<string, unknown>)));
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': String(body.length) });
        res.end(body);
      });
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    signers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
