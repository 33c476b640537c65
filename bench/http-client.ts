// A scraper as Prometheus is one: keep-alive connections, one request at a time on each, the whole
// body read. Latency is from sending the request to the last byte of the body.
import { Agent, request } from 'node:http';

export interface ScrapeResult {
  ms: number;
  bytes: number;
  status: number;
}

export function scrape(agent: Agent, url: string, gzip: boolean): Promise<ScrapeResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ ms: performance.now() - started, bytes, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface LoadOptions {
  url: string;
  gzip: boolean;
  /** Scrapers, each with its own connection. */
  concurrency: number;
  /** Requests in all; fewer if the time budget runs out (each scraper still sends at least one). */
  requests: number;
  budgetMs: number;
}

/** Latencies of every request, in milliseconds; throws on any answer but 200. */
export async function load(options: LoadOptions): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const latencies: number[] = [];
  const deadline = performance.now() + options.budgetMs;
  let started = 0;
  const scraper = async (): Promise<void> => {
    for (let first = true; started < options.requests && (first || performance.now() < deadline); first = false) {
      started++;
      const result = await scrape(agent, options.url, options.gzip);
      if (result.status !== 200) throw new Error(`${options.url} answered ${result.status}`);
      latencies.push(result.ms);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, scraper));
  } finally {
    agent.destroy();
  }
  return latencies;
}
