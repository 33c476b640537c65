// A real Prometheus (Debian's binary) on 127.0.0.1 for end-to-end tests, always stopped by the test.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `check` until it is true; a check that throws an Error (not a failed fetch) stops the wait. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface Prometheus {
  url: string;
  dir: string;
  query(expr: string, time?: number): Promise<VectorSample[]>;
  api<T>(path: string): Promise<T>;
}

/** Starts Prometheus with `configFile` (default: one with no scrape jobs) on `tsdb` (default: a new temp dir). */
export async function startPrometheus(t: Test, options: { configFile?: string; tsdb?: string; args?: string[] } = {}): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'bue-prom-'));
  const configFile = options.configFile ?? join(dir, 'prometheus.yml');
  if (!options.configFile) writeFileSync(configFile, 'global:\n  scrape_interval: 1m\n');
  const tsdb = options.tsdb ?? join(dir, 'data');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('prometheus', [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${tsdb}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y',
    '--web.enable-lifecycle',
    ...(options.args ?? []),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log = (log + chunk).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  t.teardown(async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    await waitFor('Prometheus to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`Prometheus exited with code ${child.exitCode}`);
      return (await fetch(`${url}/-/ready`)).ok;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  const api = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    dir,
    api,
    query: async (expr, time) => {
      const params = new URLSearchParams({ query: expr, ...(time === undefined ? {} : { time: String(time) }) });
      return (await api<{ result: VectorSample[] }>(`/api/v1/query?${params}`)).result;
    },
  };
}

/**
 * The samples of a TSDB folder as promtool prints them, one `{labels} value time` line each; `flags`
 * narrow them (--match, --min-time, --max-time). promtool opens the folder as a database, which needs
 * a wal folder.
 */
export function promtoolDump(tsdb: string, flags: string[] = []): string {
  mkdirSync(join(tsdb, 'wal'), { recursive: true });
  return execFileSync('promtool', ['tsdb', 'dump', ...flags, tsdb], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
}
