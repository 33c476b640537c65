import { createHash } from 'node:crypto';
import { RemoteWriteError } from '../../errors.js';
import { renderLabels, type Labels } from '../../metrics/series.js';
import { SAMPLE_LEAD_MS, type SeriesSink, type Window } from '../history.js';
import { writeRequestBody, type WriteSeries } from './write-request.js';

// The history, week by week, as remote-write requests of at most `batchSamples` samples, with a
// staleness marker where a series ends, as a live scrape writes one: at the next instant a series has
// no sample, whether within a week (a model unused for a day) or at the start of the next one. The
// receiver then hides an ended series at once, whatever its own lookback.

export interface StreamOptions {
  /** Sends one request body; resolves once the receiver has accepted it. */
  send: (body: Uint8Array<ArrayBuffer>) => Promise<void>;
  /** The history's samples are this far apart. */
  lookbackMs: number;
  batchSamples: number;
  /**
   * What a previous run had sent: its requests are made again, in the same order, but not sent; the
   * last one must be the one it sent (its digest), or the history has changed since.
   */
  sent: { requests: number; digest: string };
  /** Called after each request the receiver accepted, with the number accepted so far (those sent before included) and its digest. */
  onAccepted: (requests: number, digest: string) => Promise<void>;
}

/** A request body's SHA-256, in hex: what a position remembers of the last request accepted. */
export const digestOf = (body: Uint8Array): string => createHash('sha256').update(body).digest('hex');

export class RemoteWriteStream {
  readonly #options: StreamOptions;
  #batch: WriteSeries[] = [];
  #batchSize = 0;
  /** Requests made, from the first, sent or skipped. */
  requests = 0;
  /** Samples in the requests sent (staleness markers included). */
  samples = 0;
  /** The digest of the last request sent, or checked against the one a previous run sent. */
  digest = '';
  /** Series whose last sample stood for the last instant of the previous week: the time of that sample, by series. */
  #open = new Map<string, { labels: Labels; time: number }>();

  constructor(options: StreamOptions) {
    this.#options = options;
  }

  /** Where one week's series go; its `end` sends what the week has left and marks the series of the week before that ended with it. */
  week(window: Window): SeriesSink & { end(): Promise<void> } {
    const { lookbackMs } = this.#options;
    const continuing = new Map<string, { labels: Labels; time: number }>();
    return {
      series: async (name, labels, times, values) => {
        if (times.length === 0) return;
        const all: Labels = [['__name__', name], ...labels];
        const id = renderLabels(all);
        const out: { times: number[]; values: Array<number | null> } = { times: [], values: [] };
        const before = this.#open.get(id);
        this.#open.delete(id);
        if (before !== undefined && times[0]! !== before.time + lookbackMs) this.#stale(out, before.time + lookbackMs);
        for (let i = 0; i < times.length; i++) {
          if (i > 0 && times[i]! - times[i - 1]! > lookbackMs) this.#stale(out, times[i - 1]! + lookbackMs);
          out.times.push(times[i]!);
          out.values.push(values[i]!);
        }
        const last = times.at(-1)!;
        // The next instant is still in this week: the series ends here. Otherwise the next week says.
        if (last + lookbackMs + SAMPLE_LEAD_MS < window.endMs) this.#stale(out, last + lookbackMs);
        else continuing.set(id, { labels: all, time: last });
        await this.#add(all, out.times, out.values);
      },
      end: async () => {
        for (const { labels, time } of this.#open.values()) await this.#add(labels, [time + lookbackMs], [null]);
        this.#open = continuing;
        await this.#flush();
      },
    };
  }

  /**
   * The history's last week was sent: the series still open go on in the live data, unmarked. A
   * later part (the recording rules' history) starts afresh.
   */
  close(): void {
    this.#open = new Map();
  }

  #stale(out: { times: number[]; values: Array<number | null> }, time: number): void {
    out.times.push(time);
    out.values.push(null);
  }

  async #add(labels: Labels, times: number[], values: Array<number | null>): Promise<void> {
    const { batchSamples } = this.#options;
    for (let start = 0; start < times.length; ) {
      const take = Math.min(times.length - start, batchSamples - this.#batchSize);
      this.#batch.push({ labels, times: times.slice(start, start + take), values: values.slice(start, start + take) });
      this.#batchSize += take;
      start += take;
      if (this.#batchSize >= batchSamples) await this.#flush();
    }
  }

  async #flush(): Promise<void> {
    if (this.#batchSize === 0) return;
    const batch = this.#batch;
    const size = this.#batchSize;
    this.#batch = [];
    this.#batchSize = 0;
    this.requests += 1;
    const { sent } = this.#options;
    if (this.requests < sent.requests) return;
    const body = writeRequestBody(batch);
    const digest = digestOf(body);
    this.digest = digest;
    if (this.requests === sent.requests) {
      // Sending on from a request other than the one accepted would skip or repeat samples.
      if (digest !== sent.digest) throw new RemoteWriteError(`the history is not what was sent before (Cost Explorer has revised a day of it since): remove the position file (--remote-write.position) to send the whole history again; the receiver keeps one value per series and time`);
      return;
    }
    await this.#options.send(body);
    this.samples += size;
    await this.#options.onAccepted(this.requests, digest);
  }
}
