import fc from 'fast-check';
import t from 'tap';
import type { Snapshot } from '../../src/pipeline/snapshot.js';
import type { CollectorStatus as RefreshStatus } from '../../src/pipeline/collector.js';
import type { Breakdown, LiveToday, Summary, Totals } from '../../src/sources/summary.js';
import { addDays, eachDay, type Day } from '../../src/time.js';
import { chartLegend, dailyTokenSeries, niceTicks, OTHER_COLOR, PALETTE, stackedBarChart, type DailyChart } from '../../src/web/chart.js';
import { compact, count, escapeHtml, longDay, modelName, regionName, share, shortDay, usd, utcTime } from '../../src/web/format.js';
import { CHART_DAYS, CHART_MODELS, landingPage, rankTotals, TABLE_ROWS } from '../../src/web/landing.js';

// The landing page's HTML and SVG, read back with small regular expressions; the browser test reads
// the same page with a real DOM.

const EVIL = `<script>alert("x")</script> & 'q'`;
const TODAY: Day = '2026-11-20';

const status = (overrides: Partial<RefreshStatus> = {}): RefreshStatus => ({
  refreshing: false,
  consecutiveFailures: 0,
  lastAttemptAt: new Date('2026-11-20T12:00:00Z'),
  lastSuccessAt: new Date('2026-11-20T12:00:00Z'),
  nextRefreshAt: new Date('2026-11-20T16:00:00Z'),
  services: ['Amazon Bedrock'],
  sources: [],
  ...overrides,
});

function snapshotOf(summary: Partial<Summary> = {}, breakdowns: Breakdown[] = [], today?: LiveToday): Snapshot {
  return {
    breakdowns,
    today,
    text: '',
    body: Buffer.alloc(0),
    gzipped: Buffer.alloc(0),
    unrecognized: new Set(),
    series: 1234,
    summary: {
      today: TODAY,
      dataDay: addDays(TODAY, -1),
      monthToDate: { cost: 0, tokens: 0, tokenCost: 0 },
      daily: { cost: 0, tokens: 0, tokenCost: 0 },
      byModel: new Map(),
      byRegion: new Map(),
      byAccount: new Map(),
      accountNames: new Map(),
      tokensByDay: new Map(),
      estimated: { daily: false, monthToDate: false },
      ...summary,
    },
  };
}

const page = (snapshot: Snapshot | undefined, overrides: Partial<RefreshStatus> = {}, version = '1.2.3', telemetryPath = '/metrics'): string =>
  landingPage({ version, telemetryPath, status: status(overrides), snapshot });

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
const totalsOf = (map: Map<string, Totals>): Totals => ({ cost: sum([...map.values()].map((v) => v.cost)), tokens: sum([...map.values()].map((v) => v.tokens)), tokenCost: sum([...map.values()].map((v) => v.cost)) });

/** The day-by-model map of a ledger where model i used `perDay(i, day)` tokens on each day. */
function tokens(days: Day[], models: string[], perDay: (model: number, day: number) => number): Map<Day, Map<string, number>> {
  return new Map(days.map((day, d) => [day, new Map(models.map((model, m) => [model, perDay(m, d)]))]));
}

function table(html: string, id: string): { names: string[]; spends: string[]; rows: number; body: string; foot: string } {
  const match = new RegExp(`<table class="breakdown" id="${id}">([\\s\\S]*?)</table>`).exec(html);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(match![1]!)![1]!;
  const foot = /<tfoot>([\s\S]*?)<\/tfoot>/.exec(match![1]!)![1]!;
  return {
    body,
    foot,
    rows: body.match(/<tr/g)?.length ?? 0,
    names: [...body.matchAll(/<th scope="row"[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]!),
    spends: [...body.matchAll(/<\/th><td class="num">([^<]*)<\/td>/g)].map((m) => m[1]!),
  };
}

interface Rect {
  x: number;
  y: number;
  height: number;
  opacity: boolean;
  title: string;
}

function rects(svg: string): Rect[] {
  return [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"( fill-opacity="[\d.]+")?><title>([^<]*)<\/title>/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    height: Number(m[3]),
    opacity: m[4] !== undefined,
    title: m[5]!,
  }));
}

const texts = (svg: string, group: string): string[] => [...new RegExp(`<g class="${group}"[^>]*>(.*?)</g>`).exec(svg)![1]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

t.test('format', async (t) => {
  t.equal(escapeHtml(`a<b>&"c'`), 'a&#60;b&#62;&#38;&#34;c&#39;');
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (value) => {
      const escaped = escapeHtml(value);
      return !/[<>"']/.test(escaped) && escaped.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))) === value;
    }),
  );
  t.equal(usd(31575.262), '$31,575.26');
  t.equal(usd(-12.5), '-$12.50', 'credits can make spend negative');
  t.equal(count(15_839_844_844.248), '15,839,844,844');
  t.equal(compact(15_839_844_844), '15.8B');
  t.equal(compact(963_914_562), '964M');
  t.equal(compact(0), '0');
  t.equal(share(1, 4), '25.0%');
  t.equal(share(1, 0), '–', 'no share of nothing');
  t.equal(share(1, -3), '–');
  t.equal(utcTime(undefined), 'never');
  t.equal(utcTime(new Date('2026-11-20T12:00:00Z')), '2026-11-20T12:00:00Z');
  t.equal(utcTime(new Date('2026-11-20T12:00:00.250Z')), '2026-11-20T12:00:00.250Z');
  t.equal(shortDay('2026-11-03'), 'Nov 3');
  t.equal(longDay('2026-12-31'), 'Dec 31, 2026', 'days are UTC days whatever the local time zone');
  t.equal(modelName(''), '(no model)');
  t.equal(modelName('nova-pro'), 'nova-pro');
  t.equal(regionName(''), '(no region)');
  t.equal(regionName('us-east-1'), 'us-east-1');
});

t.test('niceTicks: from zero, in round equal steps, up to the first at or above the maximum', async (t) => {
  t.same(niceTicks(1_020_000_000), [0, 250e6, 500e6, 750e6, 1e9, 1.25e9]);
  t.same(niceTicks(0), [0, 1], 'an empty chart still has a scale');
  t.same(niceTicks(Number.NaN), [0, 1]);
  fc.assert(
    fc.property(fc.double({ min: 1e-3, max: 1e15, noNaN: true }), (max) => {
      const ticks = niceTicks(max);
      const step = ticks[1]! - ticks[0]!;
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      return (
        ticks[0] === 0 &&
        ticks[ticks.length - 1]! >= max * (1 - 1e-9) &&
        ticks[ticks.length - 2]! < max &&
        ticks.length >= 3 &&
        ticks.length <= 7 &&
        ticks.every((tick, i) => Math.abs(tick - i * step) <= step * 1e-9) &&
        [1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-6)
      );
    }),
  );
});

t.test('dailyTokenSeries', async (t) => {
  t.test('no data, no days', async (t) => {
    t.same(dailyTokenSeries(new Map(), { top: 8, through: TODAY, maxDays: 92 }), { days: [], series: [] });
  });

  t.test('gaps and days without usage up to the data day show as zeros', async (t) => {
    const chart = dailyTokenSeries(new Map([['2026-11-02', new Map([['a', 5]])], ['2026-11-04', new Map([['a', 7]])]]), { top: 8, through: '2026-11-06', maxDays: 92 });
    t.same(chart.days, eachDay('2026-11-02', '2026-11-07'));
    t.same(chart.series, [{ label: 'a', color: PALETTE[0], values: [5, 0, 7, 0, 0], total: 12, models: 1 }]);
  });

  t.test('today is kept when the ledger already has it', async (t) => {
    const chart = dailyTokenSeries(new Map([[TODAY, new Map([['a', 1]])]]), { top: 8, through: addDays(TODAY, -1), maxDays: 92 });
    t.same(chart.days, [TODAY]);
  });

  t.test('many models: the top N by tokens, then one "other" series that adds up', async (t) => {
    const days = eachDay('2026-11-01', '2026-11-08');
    const models = Array.from({ length: 14 }, (_, i) => `model-${String(i).padStart(2, '0')}`);
    const map = tokens(days, models, (m, d) => (m + 1) * 1000 + d);
    const chart = dailyTokenSeries(map, { top: 8, through: '2026-11-07', maxDays: 92 });
    t.equal(chart.series.length, 9);
    t.same(chart.series.slice(0, 8).map((s) => s.label), [...models].reverse().slice(0, 8), 'the largest first');
    t.same(chart.series.map((s) => s.color), [...PALETTE, OTHER_COLOR]);
    const other = chart.series[8]!;
    t.equal(other.label, 'Other (6 models)');
    t.equal(other.models, 6);
    t.same(other.values, days.map((_, d) => sum(models.slice(0, 6).map((_, m) => (m + 1) * 1000 + d))));
    t.equal(sum(chart.series.map((s) => s.total)), sum([...map.values()].flatMap((m) => [...m.values()])), 'nothing lost');
  });

  t.test('one model beyond the top is shown by name, not folded', async (t) => {
    const map = tokens(['2026-11-01'], ['a', 'b', 'c'], (m) => 10 - m);
    t.same(dailyTokenSeries(map, { top: 2, through: '2026-11-01', maxDays: 92 }).series.map((s) => s.label), ['a', 'b', 'c']);
  });

  t.test('ties are broken by name, whatever order the bill lists them in', async (t) => {
    const forward = tokens(['2026-11-01'], ['b', 'a', 'c'], () => 5);
    const backward = tokens(['2026-11-01'], ['c', 'a', 'b'], () => 5);
    const labels = (map: Map<Day, Map<string, number>>) => dailyTokenSeries(map, { top: 8, through: '2026-11-01', maxDays: 92 }).series.map((s) => s.label);
    t.same(labels(forward), ['a', 'b', 'c']);
    t.same(labels(backward), ['a', 'b', 'c']);
  });

  t.test('negative quantities never draw below zero; models without tokens are left out', async (t) => {
    const chart = dailyTokenSeries(new Map([['2026-11-01', new Map([['a', 10], ['refund', -4], ['', 2]])]]), { top: 8, through: '2026-11-01', maxDays: 92 });
    t.same(chart.series.map((s) => [s.label, s.values]), [['a', [10]], ['(no model)', [2]]]);
  });

  t.test('a long lookback keeps the most recent days', async (t) => {
    const days = eachDay('2026-08-01', '2026-11-20');
    const map = tokens(days, ['recent'], () => 1);
    map.get('2026-08-01')!.set('old', 50);
    const chart = dailyTokenSeries(map, { top: 8, through: '2026-11-19', maxDays: 30 });
    t.equal(chart.days.length, 30);
    t.equal(chart.days[29], '2026-11-19');
    t.same(chart.series.map((s) => s.label), ['recent'], 'a model seen only before the window is not drawn');
  });
});

t.test('stackedBarChart', async (t) => {
  const days = eachDay('2026-11-01', '2026-11-21');
  const models = Array.from({ length: 12 }, (_, i) => `m${i}`);
  const map = tokens(days, models, (m, d) => (m === 11 && d === 0 ? 0 : (m + 1) * 1e6 * (1 + (d % 7))));
  const chart = dailyTokenSeries(map, { top: CHART_MODELS, through: '2026-11-19', maxDays: CHART_DAYS });
  const svg = stackedBarChart(chart, { id: 'c', title: 'Daily tokens by model', partialDay: TODAY });
  const all = rects(svg);

  t.test('one rect per model and day with tokens, grouped per series', async (t) => {
    const nonZero = sum(chart.series.map((s) => s.values.filter((v) => v > 0).length));
    t.equal(all.length, nonZero);
    t.equal(svg.match(/<g class="series"/g)?.length, chart.series.length);
    t.equal(new Set(all.map((r) => r.x)).size, days.length, 'one bar per day');
    t.ok(all.every((r) => r.height > 0));
  });

  t.test('bar heights follow the daily totals against the y axis', async (t) => {
    const ticks = texts(svg, 'y-axis');
    const totals = days.map((_, d) => sum(chart.series.map((s) => s.values[d]!)));
    const max = Math.max(...totals);
    t.same(ticks, niceTicks(max).map(compact));
    const top = niceTicks(max)[niceTicks(max).length - 1]!;
    const plotHeight = 280 - 12 - 30;
    const xs = [...new Set(all.map((r) => r.x))].sort((a, b) => a - b);
    xs.forEach((x, d) => {
      const height = sum(all.filter((r) => r.x === x).map((r) => r.height));
      t.ok(Math.abs(height - (plotHeight * totals[d]!) / top) < 0.1 * chart.series.length, `day ${d}: stack height matches ${compact(totals[d]!)}`);
    });
    const tallest = Math.min(...all.map((r) => r.y));
    t.ok(tallest >= 12, 'nothing is drawn above the plot');
  });

  t.test('day labels: spaced evenly, the latest day always labelled', async (t) => {
    const labels = texts(svg, 'x-axis');
    t.equal(labels[labels.length - 1], shortDay(TODAY));
    t.ok(labels.length <= 14 && labels.length >= days.length / 2);
    const single = stackedBarChart(dailyTokenSeries(tokens(['2026-11-05'], ['a'], () => 3), { top: 8, through: '2026-11-05', maxDays: 92 }), { id: 'one', title: 'One day' });
    t.same(texts(single, 'x-axis'), ['Nov 5']);
    t.equal(rects(single).length, 1);
    t.match(single, /<desc id="one-desc">Stacked bars for Nov 5, 2026, each split by model: a\. Busiest day: Nov 5, 2026 with 3 tokens\.<\/desc>/);
    const long = dailyTokenSeries(tokens(eachDay('2026-08-20', '2026-11-20'), ['a'], () => 1), { top: 8, through: '2026-11-19', maxDays: CHART_DAYS });
    const longLabels = texts(stackedBarChart(long, { id: 'l', title: 'Long' }), 'x-axis');
    t.equal(long.days.length, CHART_DAYS);
    t.equal(longLabels.length, Math.ceil(CHART_DAYS / Math.ceil(CHART_DAYS / 14)), 'a label every few days');
  });

  t.test('the day still being filled in is lighter and said to be incomplete', async (t) => {
    t.ok(all.filter((r) => r.opacity).every((r) => r.title.startsWith(longDay(TODAY))));
    t.equal(all.filter((r) => r.opacity).length, chart.series.filter((s) => s.values[days.length - 1]! > 0).length);
    t.match(svg, />so far<\/text>/);
    t.match(svg, /Nov 20, 2026 is still incomplete\./);
    const past = stackedBarChart(chart, { id: 'c', title: 'T' });
    t.notOk(rects(past).some((r) => r.opacity));
    t.notMatch(past, /so far|incomplete/);
  });

  t.test('accessible: role, name, description', async (t) => {
    t.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" class="chart" viewBox="0 0 1000 280" role="img" aria-label="Daily tokens by model" aria-describedby="c-desc">/);
    t.match(svg, /<title id="c-title">Daily tokens by model<\/title>/);
    t.match(svg, /<desc id="c-desc">Stacked bars one per UTC day from Nov 1, 2026 to Nov 20, 2026, each split by model: m11, m10, m9, m8, m7, m6, m5, m4, Other \(4 models\)\. Busiest day: /);
    t.match(all[0]!.title, /^Nov \d+, 2026: m11, [\d,]+ tokens$/);
  });

  t.test('names from the bill are escaped everywhere', async (t) => {
    const evil: DailyChart = dailyTokenSeries(tokens(['2026-11-01'], [EVIL], () => 1), { top: 8, through: '2026-11-01', maxDays: 92 });
    const html = stackedBarChart(evil, { id: 'x"y', title: `Title ${EVIL}` }) + chartLegend(evil);
    t.notMatch(html, /<script|"x"|'q'/);
    t.equal(html.split(escapeHtml(EVIL)).length - 1, 6, 'desc, title, aria-label, data-series, rect title, legend');
  });

  t.test('the legend lists every series with its colour and total', async (t) => {
    const legend = chartLegend(chart);
    const items = [...legend.matchAll(/<li><svg[^>]*><rect[^>]* fill="([^"]+)"\/><\/svg><span class="name">([^<]*)<\/span> <span class="muted">([^<]*)<\/span><\/li>/g)];
    t.same(items.map((m) => [m[1], m[2], m[3]]), chart.series.map((s) => [s.color, s.label, compact(s.total)]));
  });
});

t.test('rankTotals', async (t) => {
  const totals = new Map<string, Totals>([['b', { cost: 5, tokens: 1, tokenCost: 5 }], ['a', { cost: 5, tokens: 1, tokenCost: 5 }], ['c', { cost: 5, tokens: 9, tokenCost: 5 }], ['d', { cost: 9, tokens: 0, tokenCost: 0 }], ['e', { cost: -1, tokens: 0, tokenCost: 0 }]]);
  t.same(rankTotals(totals, 10).rows.map(([k]) => k), ['d', 'c', 'a', 'b', 'e'], 'by spend, then tokens, then name');
  t.equal(rankTotals(totals, 4).rest, undefined, 'one row beyond the limit is listed, not folded');
  const { rows, rest } = rankTotals(totals, 2);
  t.same(rows.map(([k]) => k), ['d', 'c']);
  t.same(rest, { count: 3, totals: { cost: 9, tokens: 2, tokenCost: 10 } });
});

t.test('landingPage', async (t) => {
  t.test('before any data: the status, no overview', async (t) => {
    const html = page(undefined, { lastSuccessAt: undefined, lastError: 'ServiceUnavailable: try later' });
    t.match(html, /<span class="state bad">no data yet; refresh failing<\/span>/);
    t.match(html, /<tr><th>Last error<\/th><td>ServiceUnavailable: try later<\/td><\/tr>/);
    t.match(html, /<tr><th>Last successful refresh<\/th><td>never<\/td><\/tr>/);
    t.match(html, /The overview appears after the first successful refresh/);
    t.notMatch(html, /<svg|<table class="breakdown"|Data through/);
    const starting = page(undefined, { refreshing: true, services: [], lastAttemptAt: undefined, lastSuccessAt: undefined });
    t.match(starting, /<span class="state warn">first refresh under way<\/span>/);
    t.match(starting, /<tr><th>Next refresh<\/th><td>under way<\/td><\/tr>/);
    t.match(starting, /<tr><th>Bedrock services<\/th><td>none found yet<\/td><\/tr>/);
  });

  t.test('a snapshot without any usage', async (t) => {
    const html = page(snapshotOf());
    t.match(html, /<span class="state ok">up to date<\/span>/);
    t.notMatch(html, /class="notice"/, 'final data has no estimate notice');
    t.match(html, /No token usage in the days the exporter holds\./);
    t.notMatch(html, /<svg/);
    for (const id of ['by-model', 'by-region']) {
      const { body, foot } = table(html, id);
      t.match(body, /No Bedrock usage this month yet\./);
      t.match(foot, /<th scope="row">Total<\/th><td class="num">\$0\.00<\/td><td class="share">.*?–<\/td><td class="num" title="0 tokens">0<\/td><td class="num">–<\/td><td class="num">–<\/td>/);
    }
    t.match(html, /<dt>Cost per 1M tokens<\/dt><dd class="value">–<\/dd>/);
    t.notMatch(html, /id="by-account"/, 'no account table without accounts');
  });

  const byModel = new Map<string, Totals>([
    ['claude-sonnet-4.6', { cost: 600, tokens: 100e6, tokenCost: 600 }],
    ['', { cost: 50, tokens: 0, tokenCost: 0 }],
    ['nova-pro', { cost: 300, tokens: 400e6, tokenCost: 300 }],
    [EVIL, { cost: 50, tokens: 500e6, tokenCost: 50 }],
  ]);
  const byRegion = new Map<string, Totals>([['us-east-1', { cost: 700, tokens: 800e6, tokenCost: 700 }], ['eu-west-1', { cost: 300, tokens: 200e6, tokenCost: 300 }]]);
  const byAccount = new Map<string, Totals>([['111122223333', { cost: 250, tokens: 100e6, tokenCost: 250 }], ['444455556666', { cost: 750, tokens: 900e6, tokenCost: 750 }]]);
  const days = eachDay('2026-11-01', '2026-11-21');
  const full = snapshotOf({
    monthToDate: totalsOf(byModel),
    daily: { cost: 40.5, tokens: 49_500_000, tokenCost: 40.5 },
    byModel,
    byRegion,
    byAccount,
    accountNames: new Map([['444455556666', `Platform ${EVIL}`]]),
    tokensByDay: tokens(days, [...byModel.keys()], (m, d) => (m + 1) * 1e6 + d),
    estimated: { daily: true, monthToDate: true },
  });
  const html = page(full);

  t.test('tables by model and region, largest spend first, with shares and a total', async (t) => {
    const models = table(html, 'by-model');
    t.same(models.names, ['claude-sonnet-4.6', 'nova-pro', escapeHtml(EVIL), '(no model)']);
    t.same(models.spends, ['$600.00', '$300.00', '$50.00', '$50.00']);
    t.match(models.body, /<th scope="row">claude-sonnet-4\.6<\/th><td class="num">\$600\.00<\/td><td class="share"><span class="bar" aria-hidden="true"><span style="width:60\.0%"><\/span><\/span>60\.0%<\/td><td class="num" title="100,000,000 tokens">100M<\/td><td class="num">10\.0%<\/td><td class="num">\$6\.00<\/td><\/tr>/);
    t.match(models.body, /<th scope="row" title="Bedrock charges that name no model[^"]*">\(no model\)<\/th>/);
    t.match(models.foot, /<th scope="row">Total<\/th><td class="num">\$1,000\.00<\/td>.*100\.0%<\/td><td class="num" title="1,000,000,000 tokens">1B<\/td><td class="num">100\.0%<\/td><td class="num">\$1\.00<\/td>/);
    const regions = table(html, 'by-region');
    t.same(regions.names, ['us-east-1', 'eu-west-1']);
    t.match(regions.body, /70\.0%<\/td><td class="num" title="800,000,000 tokens">800M<\/td><td class="num">80\.0%<\/td>/);
    const accounts = table(html, 'by-account');
    t.same(accounts.names, [escapeHtml(`Platform ${EVIL} (444455556666)`), '111122223333'], 'named where Cost Explorer gave a name, the id alone otherwise');
    t.same(accounts.spends, ['$750.00', '$250.00']);
    t.notMatch(page(snapshotOf({ ...full.summary, byAccount: new Map([['', { cost: 1000, tokens: 1e9, tokenCost: 1000 }]]) })), /id="by-account"/, 'no account table without the account breakdown');
  });

  t.test('a table per tag or cost category, spend without a value as (none)', async (t) => {
    t.notMatch(html, /id="by-tag-/, 'none without tags configured');
    const teams = new Map<string, Totals>([['search', { cost: 300, tokens: 100e6, tokenCost: 300 }], ['', { cost: 200, tokens: 0, tokenCost: 0 }], [EVIL, { cost: 500, tokens: 900e6, tokenCost: 500 }]]);
    const withTeams = page(snapshotOf(full.summary, [{ title: 'tag team', totals: teams }, { title: 'cost category Business Unit', totals: new Map([['Research', totalsOf(byModel)]]) }]));
    const team = table(withTeams, 'by-tag-team');
    t.same(team.names, [escapeHtml(EVIL), 'search', '(none)'], 'largest spend first, names escaped');
    t.match(team.body, /<th scope="row" title="Spend without a value for tag team[^"]*">\(none\)<\/th>/);
    t.match(team.foot, /<td class="num">\$1,000\.00<\/td>/, 'the values add up to the bill');
    t.match(withTeams, /<caption>By tag team, month to date<\/caption>/);
    t.match(withTeams, /<th scope="col">Tag team<\/th>/);
    t.same(table(withTeams, 'by-cost-category-business-unit').names, ['Research']);
  });

  t.test('cards and the estimated notice', async (t) => {
    t.match(html, /<dt>Spend, month to date<\/dt><dd class="value">\$1,000\.00<\/dd><dd>since Nov 1, credits included, estimated<\/dd>/);
    t.match(html, /<dt>Tokens, month to date<\/dt><dd class="value">1B<\/dd><dd>1,000,000,000 tokens<\/dd>/);
    t.match(html, /<dt>Spend on Nov 19<\/dt><dd class="value">\$40\.50<\/dd><dd>last complete UTC day, estimated<\/dd>/);
    t.match(html, /<dt>Tokens on Nov 19<\/dt><dd class="value">49\.5M<\/dd><dd>49,500,000 tokens<\/dd>/);
    t.match(html, /<dt>Cost per 1M tokens<\/dt><dd class="value">\$1\.00<\/dd>/);
    // Provisioned throughput is spend without tokens: dividing it by tokens would inflate the unit price.
    const provisioned = page(snapshotOf({ monthToDate: { cost: 5_000, tokens: 1e9, tokenCost: 460 }, byModel: new Map([['nova-2-lite', { cost: 5_000, tokens: 1e9, tokenCost: 460 }]]) }));
    t.match(provisioned, /<dt>Cost per 1M tokens<\/dt><dd class="value">\$0\.46<\/dd><dd>month to date, token spend only<\/dd>/, 'token spend over tokens, as the dashboards\' rule');
    t.match(table(provisioned, 'by-model').body, /\$0\.46<\/td><\/tr>/, 'the same in the model table');
    t.match(html, /<p class="notice" role="note"><strong>Estimated\.<\/strong> Cost Explorer still marks month to date and Nov 19 as estimated/);
    const notice = (estimated: Summary['estimated']) => /<p class="notice"[^]*?<\/p>/.exec(page(snapshotOf({ estimated })))?.[0];
    t.match(notice({ daily: false, monthToDate: true }), /marks month to date as estimated/);
    t.match(notice({ daily: true, monthToDate: false }), /marks Nov 19 as estimated/);
    t.equal(notice({ daily: false, monthToDate: false }), undefined);
    t.notMatch(page(snapshotOf({ estimated: { daily: true, monthToDate: false } })), /credits included, estimated/);
    t.notMatch(html, /today so far/, 'without the live plane, the billed figures only');
    const live = page(snapshotOf({}, [], { cost: 1234.5, tokens: 56_700_000, throughMs: Date.parse(`${TODAY}T13:58:00Z`) }));
    t.match(live, /<dt>Spend today so far<\/dt><dd class="value">\$1,234\.50<\/dd><dd>estimated from CloudWatch through 13:58 UTC<\/dd>/, 'beside the bill: today, estimated');
    t.match(live, /<dt>Tokens today so far<\/dt><dd class="value">56\.7M<\/dd><dd>56,700,000 tokens since 00:00 UTC<\/dd>/);
  });

  t.test('the chart of daily tokens', async (t) => {
    const svg = /<svg xmlns[\s\S]*?<\/svg>/.exec(html)![0];
    t.match(svg, /aria-label="Daily tokens by model, Nov 1, 2026 to Nov 20, 2026"/);
    t.equal(svg.match(/<g class="series"/g)?.length, 4);
    t.equal(new Set(rects(svg).map((r) => r.x)).size, days.length);
    t.match(html, /Nov 20 is today and still incomplete/);
    const yesterdayOnly = page(snapshotOf({ tokensByDay: tokens(['2026-11-19'], ['a'], () => 1) }));
    t.match(yesterdayOnly, /aria-label="Daily tokens by model, Nov 19, 2026"/);
    t.notMatch(yesterdayOnly, /is today and still incomplete/);
  });

  t.test('the long tail of models is summed in one row', async (t) => {
    const many = new Map(Array.from({ length: TABLE_ROWS + 5 }, (_, i) => [`model-${i}`, { cost: 1000 - i, tokens: 1, tokenCost: 1000 - i }] as [string, Totals]));
    const { rows, names, body } = table(page(snapshotOf({ byModel: many, monthToDate: totalsOf(many) })), 'by-model');
    t.equal(rows, TABLE_ROWS + 1);
    t.equal(names[names.length - 1], '5 more models');
    t.match(body, new RegExp(`<tr class="rest"><th scope="row">5 more models</th><td class="num">${escapeRegExp(usd(sum([...many.values()].slice(TABLE_ROWS).map((v) => v.cost))))}</td>`));
  });

  t.test('everything from outside is escaped', async (t) => {
    const evil = snapshotOf({ ...full.summary, byRegion: new Map([[EVIL, { cost: 1, tokens: 1, tokenCost: 1 }]]) });
    const text = page(evil, { lastError: EVIL, services: [EVIL] }, EVIL, '/m"><script>');
    t.notMatch(text, /<script|'q'|"x"/);
    t.notMatch(text, /href="\/m">/);
  });

  t.test('the overview is drawn once per snapshot; the status is always fresh', async (t) => {
    const overview = (html: string) => html.slice(html.indexOf('</header>'), html.indexOf('<section class="panel" aria-labelledby="status-heading">'));
    const snapshot = snapshotOf({ ...full.summary!, monthToDate: { ...full.summary!.monthToDate } });
    const first = page(snapshot);
    snapshot.summary!.monthToDate.cost = 2000; // snapshots never change; this only shows which part is cached
    const failing = page(snapshot, { lastError: 'Throttled' });
    t.equal(overview(failing), overview(first), 'the overview comes from the cache');
    t.match(overview(first), /\$1,000\.00/);
    t.match(failing, /<span class="state warn">serving the last good data; the latest refresh failed<\/span>/);
    t.match(failing, /<tr><th>Last error<\/th><td>Throttled<\/td><\/tr>/);
    t.match(failing, /<tr><th>Data through<\/th><td>2026-11-20 \(daily gauges describe 2026-11-19\)<\/td><\/tr>/);
    t.match(failing, /<tr><th>Month to date<\/th><td>\$2,000\.00, 1,000,000,000 tokens \(estimated\)<\/td><\/tr>/);
    t.match(failing, /<tr><th>Series<\/th><td>1,234<\/td><\/tr>/);
    t.notMatch(page(snapshotOf()), /tokens \(estimated\)/);
  });

  t.test('with both planes: which one failed, and the state of each', async (t) => {
    const at = new Date('2026-11-20T12:00:00Z');
    const bill = { refreshing: false, consecutiveFailures: 0, lastAttemptAt: at, lastSuccessAt: at, title: 'the bill (Cost Explorer)' };
    const live = { refreshing: false, consecutiveFailures: 2, lastAttemptAt: at, lastSuccessAt: new Date('2026-11-20T11:00:00Z'), lastError: 'AWS denied GetMetricData', title: 'the live plane (CloudWatch)' };
    const html = page(snapshotOf(), { lastError: 'cloudwatch_live: AWS denied GetMetricData', sources: [bill, live] });
    t.match(html, /<span class="state warn">serving the last good data; the latest refresh of the live plane \(CloudWatch\) failed<\/span>/);
    t.match(html, /<tr><th>Source: the bill \(Cost Explorer\)<\/th><td>up to date, last success 2026-11-20T12:00:00Z<\/td><\/tr>/);
    t.match(html, /<tr><th>Source: the live plane \(CloudWatch\)<\/th><td>failing, last success 2026-11-20T11:00:00Z<\/td><\/tr>/);
    t.match(html, /<tr><th>Last error<\/th><td>cloudwatch_live: AWS denied GetMetricData<\/td><\/tr>/);
    const starting = page(undefined, { sources: [{ ...bill, refreshing: true }, { ...live, lastError: undefined, lastSuccessAt: undefined }], lastError: undefined });
    t.match(starting, /<td>refreshing, last success 2026-11-20T12:00:00Z<\/td>/);
    t.match(starting, /<tr><th>Source: the live plane \(CloudWatch\)<\/th><td>first refresh under way<\/td><\/tr>/);
    const bothFailing = page(snapshotOf(), { lastError: 'x', sources: [{ ...bill, lastError: 'x' }, live] });
    t.match(bothFailing, /serving the last good data; the latest refresh failed</, 'every source failing needs no names');
  });

  t.test('links and a page that asks for nothing else', async (t) => {
    t.match(html, /<a href="\/metrics">Metrics<\/a>/);
    t.match(html, /version 1\.2\.3\./);
    t.match(html, /<link rel="icon" href="data:,">/, 'no favicon request');
    t.notMatch(html, /<script|<link rel="stylesheet"|src="|url\(/);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
