import { exposedValue, familyHead, sampleLine } from '../metrics/exposition.js';
import { OWN } from '../metrics/health.js';
import { parseLabels, renderLabels, type Family, type Labels } from '../metrics/series.js';
import type { HistoryPlan } from '../sources/source.js';
import { dayStartMs, DAY_MS, type Day } from '../time.js';

// The exporter's series as a live exporter would have served them, as OpenMetrics with timestamps.
// Each source contributes for day X what it would have shown at the start of X (the days before X
// that X shows) and at its end (with X's own entries, as Cost Explorer shows X while it happens):
// families that accrue through the day (month to date) grow linearly between the two, the others
// hold the value of the day.
//
// OpenMetrics carries no staleness markers, so a series that ends at midnight would stay visible for
// Prometheus' lookback into the next day and inflate every sum there. Samples are one lookback apart,
// each a second before a multiple of the lookback and carrying the value of that instant (23:54:59
// holds 23:55's values, 23:59:59 the next day's): an instant query sees exactly one sample of each
// series, and a series that ends at midnight is gone at 00:00, as after a live scrape's staleness
// marker. The day changes one second early (in Prometheus 2, both days are seen at that one instant).

/** How much earlier than its instant a sample is written. */
export const SAMPLE_LEAD_MS = 1000;

export interface HistoryOptions {
  /** The lookback of the Prometheus that will read the history (its --query.lookback-delta), in milliseconds. */
  lookbackMs: number;
  /** Labels a scrape of the live exporter would add, so backfilled and live series are one series. */
  job: string;
  instance: string;
}

/** A source's name (its health series' label) and its plan for the history. */
export interface HistorySource {
  name: string;
  plan: HistoryPlan;
}

type ValueAt = (sample: number) => number;

interface DayFamilies {
  times: number[];
  /** Family name -> help and series (rendered labels -> value at sample index). */
  families: Map<string, { help: string; series: Map<string, ValueAt> }>;
}

/** A span of instants, [startMs, endMs). */
export interface Window {
  startMs: number;
  endMs: number;
}

const ALWAYS: Window = { startMs: -Infinity, endMs: Infinity };

/** The instants of day X in `window` that samples stand for, one lookback apart; each is written SAMPLE_LEAD_MS early. */
export function sampleInstants(day: Day, lookbackMs: number, window: Window = ALWAYS): number[] {
  const instants: number[] = [];
  const end = Math.min(dayStartMs(day) + DAY_MS, window.endMs);
  for (let t = dayStartMs(day); t < end; t += lookbackMs) if (t >= window.startMs) instants.push(t);
  return instants;
}

async function familiesOn(day: Day, sources: readonly HistorySource[], options: HistoryOptions, window: Window): Promise<DayFamilies> {
  const instants = sampleInstants(day, options.lookbackMs, window);
  const shareOfDay = instants.map((t) => (t - dayStartMs(day)) / DAY_MS);
  const times = instants.map((t) => t - SAMPLE_LEAD_MS);
  const families: DayFamilies['families'] = new Map();
  const unrecognized = new Set<string>();
  const put = (name: string, help: string, series: Map<string, ValueAt>) => families.set(name, { help, series });
  for (const { plan } of sources) {
    const { atStart, atEnd } = await plan.contributeOn(day);
    const startValues = new Map<string, Family>(atStart.families.map((f) => [f.name, f]));
    for (const f of atEnd.families) {
      const series = new Map<string, ValueAt>();
      const from = startValues.get(f.name)?.series;
      for (const [key, end] of f.series) {
        const start = from?.get(key) ?? 0;
        // Values as a scrape of the live exporter would have stored them; a constant is rounded once.
        const held = exposedValue(end);
        series.set(key, f.accrues && end !== start ? (i) => exposedValue(start + (end - start) * shareOfDay[i]!) : () => held);
      }
      put(f.name, f.help, series);
    }
    for (const unknown of atEnd.unrecognized ?? []) unrecognized.add(unknown);
  }
  const one = (valueAt: ValueAt) => new Map([['', valueAt]]);
  const perSource = (valueAt: ValueAt) => new Map(sources.map(({ name }) => [renderLabels([['source', name]]), valueAt]));
  const refreshedAt: ValueAt = (i) => instants[i]! / 1000;
  put(OWN.refreshSuccess.name, OWN.refreshSuccess.help, one(() => 1));
  put(OWN.lastSuccess.name, OWN.lastSuccess.help, one(refreshedAt));
  put(OWN.unrecognized.name, OWN.unrecognized.help, one(() => unrecognized.size));
  put(OWN.sourceSuccess.name, OWN.sourceSuccess.help, perSource(() => 1));
  put(OWN.sourceLastSuccess.name, OWN.sourceLastSuccess.help, perSource(refreshedAt));
  return { times, families };
}

/** Where a period's series go: OpenMetrics text, TSDB blocks, or both. */
export interface SeriesSink {
  /** A family starts; its series follow. */
  family?(name: string, help: string): Promise<void> | void;
  /** One series' samples in time order; `labels` as a scrape would add them, without `__name__`. */
  series(name: string, labels: Labels, times: readonly number[], values: readonly number[]): Promise<void> | void;
  /** Every family was written. */
  end?(): Promise<void> | void;
}

/** The OpenMetrics text of the series, handed to `write` a family head or a series at a time. */
export function openMetricsSink(write: (chunk: string) => Promise<void> | void): SeriesSink {
  return {
    // Every family of a history is a gauge: what the exporter showed at each instant.
    family: (name, help) => write(familyHead(name, help, 'gauge')),
    series: (name, labels, times, values) => {
      const rendered = renderLabels(labels);
      const lines: string[] = [];
      for (let i = 0; i < times.length; i++) lines.push(sampleLine(name, rendered, values[i]!, times[i]!));
      return write(lines.join(''));
    },
    end: () => write('# EOF\n'),
  };
}

/**
 * The samples of `days` (each family once, its series' samples in time order, as OpenMetrics and
 * promtool want), from the ledger entries of the days they depend on, handed to the sinks a series
 * at a time so a large organization never holds a period in memory, for the instants in `window`.
 * Resolves to the number of samples.
 */
export async function writePeriod(
  days: readonly Day[],
  sources: readonly HistorySource[],
  options: HistoryOptions,
  sinks: readonly SeriesSink[],
  window: Window = ALWAYS,
): Promise<number> {
  const perDay: DayFamilies[] = [];
  for (const day of days) perDay.push(await familiesOn(day, sources, options, window));
  const target: Labels = [['instance', options.instance], ['job', options.job]];
  let samples = 0;
  for (const [name, { help }] of perDay[0]?.families ?? []) {
    for (const sink of sinks) await sink.family?.(name, help);
    const keys = new Set(perDay.flatMap((d) => [...d.families.get(name)!.series.keys()]));
    for (const key of [...keys].sort()) {
      const labels: Labels = [...parseLabels(key), ...target];
      const times: number[] = [];
      const values: number[] = [];
      for (const { times: dayTimes, families } of perDay) {
        const valueAt = families.get(name)!.series.get(key);
        if (valueAt === undefined) continue;
        for (let i = 0; i < dayTimes.length; i++) {
          times.push(dayTimes[i]!);
          values.push(valueAt(i));
        }
      }
      samples += times.length;
      for (const sink of sinks) await sink.series(name, labels, times, values);
    }
  }
  for (const sink of sinks) await sink.end?.();
  return samples;
}

/** The OpenMetrics text of a period as one string, for small periods and tests. */
export async function renderPeriod(days: readonly Day[], sources: readonly HistorySource[], options: HistoryOptions, window: Window = ALWAYS): Promise<string> {
  const chunks: string[] = [];
  const samples = await writePeriod(days, sources, options, [openMetricsSink((chunk) => void chunks.push(chunk))], window);
  return samples === 0 ? '' : chunks.join('');
}
