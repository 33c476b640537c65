import type { DayEntry } from '../cost-explorer/ledger.js';
import { formatValue, renderLabels } from '../metrics/exposition.js';
import { aggregate, type Classifier } from '../metrics/snapshot.js';
import { addDays, dayStartMs, DAY_MS, monthStart, type Day } from '../time.js';

// The exporter's gauges as a live exporter would have served them, as OpenMetrics with timestamps.
// On day X the daily gauges describe X-1 and month to date covers the 1st up to X; Cost Explorer
// shows day X as it happens, so its share of month to date grows through the day (linearly here).
// Samples are `step` apart, below Prometheus' 5-minute lookback, so every instant query sees them.

export interface HistoryOptions {
  /** Sample spacing in milliseconds. */
  stepMs: number;
  /** Labels a scrape of the live exporter would add, so backfilled and live series are one series. */
  job: string;
  instance: string;
  classify: Classifier;
}

type ValueAt = (sample: number) => number;

interface DayFamilies {
  times: number[];
  /** Family name -> help and series (rendered labels -> value at sample index). */
  families: Map<string, { help: string; series: Map<string, ValueAt> }>;
}

const escapeHelp = (value: string): string => value.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));

/** Sample times of day X in [start of X, end), in milliseconds. */
export function sampleTimes(day: Day, stepMs: number, endMs = Infinity): number[] {
  const times: number[] = [];
  const end = Math.min(dayStartMs(day) + DAY_MS, endMs);
  for (let t = dayStartMs(day); t < end; t += stepMs) times.push(t);
  return times;
}

async function familiesOn(day: Day, entriesOn: (day: Day) => DayEntry[], options: HistoryOptions, endMs: number): Promise<DayFamilies> {
  const times = sampleTimes(day, options.stepMs, endMs);
  const yesterday = addDays(day, -1);
  const before: DayEntry[] = [];
  for (let d = yesterday < monthStart(day) ? yesterday : monthStart(day); d < day; d = addDays(d, 1)) before.push(...entriesOn(d));
  const settled = await aggregate(before, day, options.classify);
  const today = await aggregate(entriesOn(day), day, options.classify);
  const shareOfToday = times.map((t) => (t - dayStartMs(day)) / DAY_MS);
  const families: DayFamilies['families'] = new Map();

  settled.families.forEach((f, index) => {
    const growing = today.families[index]!;
    const series = new Map<string, ValueAt>();
    if (f.name.endsWith('_month_to_date')) {
      for (const key of new Set([...f.series.keys(), ...growing.series.keys()])) {
        const base = f.series.get(key) ?? 0;
        const part = growing.series.get(key) ?? 0;
        series.set(key, (i) => base + part * shareOfToday[i]!);
      }
    } else if (f.name === 'bedrock_usage_type_info') {
      for (const key of new Set([...f.series.keys(), ...growing.series.keys()])) series.set(key, () => 1);
    } else {
      for (const [key, value] of f.series) series.set(key, () => value);
    }
    families.set(f.name, { help: f.help, series });
  });
  const unrecognized = new Set([...settled.unrecognized, ...today.unrecognized]).size;
  const own = (name: string, help: string, valueAt: ValueAt) => families.set(name, { help, series: new Map([['', valueAt]]) });
  own('bedrock_exporter_refresh_success', 'Whether the last refresh from Cost Explorer succeeded (1) or failed (0).', () => 1);
  own('bedrock_exporter_last_refresh_success_timestamp_seconds', 'Unix time of the last successful refresh from Cost Explorer.', (i) => times[i]! / 1000);
  own('bedrock_exporter_unrecognized_usage_types', 'Distinct Bedrock usage types in the current data that no known grammar recognises.', () => unrecognized);
  return { times, families };
}

/**
 * OpenMetrics for the samples of `days` (each family once, its series' samples in time order, as
 * the format and promtool want), from the ledger entries of the days they depend on, handed to
 * `write` a series at a time so a large organization never needs the whole text in memory. Sample
 * times stop before `endMs`. Resolves to the number of samples written.
 */
export async function writePeriod(
  days: readonly Day[],
  entriesOn: (day: Day) => DayEntry[],
  options: HistoryOptions,
  write: (chunk: string) => Promise<void> | void,
  endMs = Infinity,
): Promise<number> {
  const perDay: DayFamilies[] = [];
  for (const day of days) perDay.push(await familiesOn(day, entriesOn, options, endMs));
  const target = renderLabels([['instance', options.instance], ['job', options.job]]).slice(1, -1);
  let samples = 0;
  for (const [name, { help }] of perDay[0]?.families ?? []) {
    await write(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} gauge\n`);
    const keys = new Set(perDay.flatMap((d) => [...d.families.get(name)!.series.keys()]));
    for (const key of [...keys].sort()) {
      const prefix = `${name}${key === '' ? `{${target}}` : `${key.slice(0, -1)},${target}}`} `;
      const lines: string[] = [];
      for (const { times, families } of perDay) {
        const valueAt = families.get(name)!.series.get(key);
        if (valueAt === undefined) continue;
        for (let i = 0; i < times.length; i++) lines.push(`${prefix}${formatValue(valueAt(i))} ${times[i]! / 1000}\n`);
      }
      samples += lines.length;
      await write(lines.join(''));
    }
  }
  await write('# EOF\n');
  return samples;
}

/** The same as one string, for small periods and tests. */
export async function renderPeriod(days: readonly Day[], entriesOn: (day: Day) => DayEntry[], options: HistoryOptions, endMs = Infinity): Promise<string> {
  const chunks: string[] = [];
  const samples = await writePeriod(days, entriesOn, options, (chunk) => void chunks.push(chunk), endMs);
  return samples === 0 ? '' : chunks.join('');
}
