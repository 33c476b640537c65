// The landing page's chart of daily tokens by model: stacked bars in plain SVG, built in one pass over
// the summary (days x models), with the largest models first and the long tail folded into "other".
import { addDays, eachDay, type Day } from '../time.js';
import { compact, count, escapeHtml, longDay, modelName, shortDay } from './format.js';

export interface Series {
  label: string;
  color: string;
  /** Tokens per day, aligned with DailyChart.days; never negative. */
  values: number[];
  total: number;
  /** How many models this series folds together: 1 for a model, more for "other". */
  models: number;
}

export interface DailyChart {
  days: Day[];
  /** Largest first; the folded "other" series, if any, last. */
  series: Series[];
}

/** Tableau 10, which stays distinguishable for the common kinds of colour blindness; grey is "other". */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'] as const;
export const OTHER_COLOR = '#9a948f';

export interface SeriesOptions {
  /** Models drawn on their own; at most PALETTE.length. */
  top: number;
  /** The chart runs at least to this day, so days without usage at the end show as gaps. */
  through: Day;
  /** The most recent days drawn, to keep the page small with a long lookback. */
  maxDays: number;
}

export function dailyTokenSeries(tokensByDay: ReadonlyMap<Day, ReadonlyMap<string, number>>, options: SeriesOptions): DailyChart {
  if (tokensByDay.size === 0) return { days: [], series: [] };
  const held = [...tokensByDay.keys()].sort();
  const last = held[held.length - 1]! > options.through ? held[held.length - 1]! : options.through;
  const days = eachDay(held[0]!, addDays(last, 1)).slice(-options.maxDays);
  const index = new Map(days.map((day, i) => [day, i]));

  const byModel = new Map<string, number[]>();
  for (const [day, models] of tokensByDay) {
    const i = index.get(day);
    if (i === undefined) continue;
    for (const [model, tokens] of models) {
      let values = byModel.get(model);
      if (!values) byModel.set(model, (values = new Array<number>(days.length).fill(0)));
      values[i]! += Math.max(0, tokens);
    }
  }
  const ranked = [...byModel]
    .map(([model, values]) => ({ model, values, total: values.reduce((a, b) => a + b, 0) }))
    .filter((s) => s.total > 0)
    .sort((a, b) => b.total - a.total || a.model.localeCompare(b.model));

  // Folding a single model into "other" would only hide its name.
  const shown = ranked.length <= options.top + 1 ? ranked : ranked.slice(0, options.top);
  const series: Series[] = shown.map((s, i) => ({ label: modelName(s.model), color: PALETTE[i % PALETTE.length]!, values: s.values, total: s.total, models: 1 }));
  const rest = ranked.slice(shown.length);
  if (rest.length > 0) {
    const values = days.map((_, i) => rest.reduce((sum, s) => sum + s.values[i]!, 0));
    series.push({ label: `Other (${rest.length} models)`, color: OTHER_COLOR, values, total: values.reduce((a, b) => a + b, 0), models: rest.length });
  }
  return { days, series };
}

/** 0 and round steps (1, 2, 2.5 or 5 times a power of ten) up to the first at or above max (within rounding). */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / target;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  let step = 10 * magnitude;
  for (const multiple of [1, 2, 2.5, 5]) {
    if (multiple * magnitude >= rough) {
      step = multiple * magnitude;
      break;
    }
  }
  const steps = Math.ceil(max / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

const WIDTH = 1000;
const HEIGHT = 280;
const MARGIN = { top: 12, right: 8, bottom: 30, left: 56 };
const LABEL_SPACING = 64;
const round = (value: number): number => Math.round(value * 10) / 10;

export interface ChartOptions {
  /** Prefix for element ids, unique in the page. */
  id: string;
  title: string;
  /** A day still being filled in (today): drawn lighter. */
  partialDay?: Day;
}

function describe(chart: DailyChart, partialDay: Day | undefined): string {
  const first = chart.days[0]!;
  const last = chart.days[chart.days.length - 1]!;
  const totals = chart.days.map((_, i) => chart.series.reduce((sum, s) => sum + s.values[i]!, 0));
  const peak = totals.indexOf(Math.max(...totals));
  const span = first === last ? `for ${longDay(first)}` : `one per UTC day from ${longDay(first)} to ${longDay(last)}`;
  const parts = [
    `Stacked bars ${span}, each split by model: ${chart.series.map((s) => s.label).join(', ')}.`,
    `Busiest day: ${longDay(chart.days[peak]!)} with ${compact(totals[peak]!)} tokens.`,
  ];
  if (partialDay && chart.days.includes(partialDay)) parts.push(`${longDay(partialDay)} is still incomplete.`);
  return parts.join(' ');
}

/** An SVG of stacked daily bars with a y axis in tokens and day labels; chart.series must not be empty. */
export function stackedBarChart(chart: DailyChart, options: ChartOptions): string {
  const n = chart.days.length;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const totals = chart.days.map((_, i) => chart.series.reduce((sum, s) => sum + s.values[i]!, 0));
  const ticks = niceTicks(Math.max(...totals));
  const top = ticks[ticks.length - 1]!;
  const y = (value: number): number => round(MARGIN.top + plotHeight * (1 - value / top));
  const band = plotWidth / n;
  const barWidth = Math.min(band * 0.72, 48);
  const barX = (i: number): number => round(MARGIN.left + band * i + (band - barWidth) / 2);
  const labelEvery = Math.ceil(n / Math.floor(plotWidth / LABEL_SPACING));

  const grid = ticks.map((tick) => `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(tick)}" y2="${y(tick)}"/>`).join('');
  const yLabels = ticks.map((tick) => `<text x="${MARGIN.left - 8}" y="${y(tick) + 4}" text-anchor="end">${compact(tick)}</text>`).join('');
  const xLabels = chart.days
    .map((day, i) => ((n - 1 - i) % labelEvery === 0 ? `<text x="${round(MARGIN.left + band * (i + 0.5))}" y="${HEIGHT - 10}" text-anchor="middle">${shortDay(day)}</text>` : ''))
    .join('');

  const base = new Array<number>(n).fill(0);
  const bars = chart.series
    .map((s) => {
      const rects = s.values.map((value, i) => {
        if (value <= 0) return '';
        const day = chart.days[i]!;
        const bottom = y(base[i]!);
        base[i]! += value;
        const partial = day === options.partialDay ? ' fill-opacity="0.45"' : '';
        return `<rect x="${barX(i)}" y="${y(base[i]!)}" width="${round(barWidth)}" height="${round(bottom - y(base[i]!))}"${partial}><title>${longDay(day)}: ${escapeHtml(s.label)}, ${count(value)} tokens</title></rect>`;
      });
      return `<g class="series" fill="${s.color}" stroke="#ffffff" stroke-width="0.6" data-series="${escapeHtml(s.label)}">${rects.join('')}</g>`;
    })
    .join('\n');

  const partialIndex = options.partialDay === undefined ? -1 : chart.days.indexOf(options.partialDay);
  const partialLabel =
    partialIndex < 0 ? '' : `<text class="partial" x="${round(MARGIN.left + band * (partialIndex + 0.5))}" y="${y(totals[partialIndex]!) - 6}" text-anchor="middle" font-size="11" fill="#57606a">so far</text>`;

  const id = escapeHtml(options.id);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(options.title)}" aria-describedby="${id}-desc">
<title id="${id}-title">${escapeHtml(options.title)}</title>
<desc id="${id}-desc">${escapeHtml(describe(chart, options.partialDay))}</desc>
<g class="grid" stroke="#d8dee4" stroke-width="1">${grid}</g>
${bars}
<line class="baseline" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(0)}" y2="${y(0)}" stroke="#8c959f"/>
<g class="y-axis" font-size="12" fill="#57606a">${yLabels}</g>
<g class="x-axis" font-size="12" fill="#57606a">${xLabels}</g>
${partialLabel}
</svg>`;
}

const swatch = (color: string): string => `<svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="${color}"/></svg>`;

export function chartLegend(chart: DailyChart): string {
  const items = chart.series.map((s) => `<li>${swatch(s.color)}<span class="name">${escapeHtml(s.label)}</span> <span class="muted">${compact(s.total)}</span></li>`);
  return `<ul class="legend">${items.join('')}</ul>`;
}
