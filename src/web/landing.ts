import type { CollectorStatus as RefreshStatus, SourceStatus } from '../pipeline/collector.js';
import type { Snapshot } from '../pipeline/snapshot.js';
import type { Breakdown, LiveToday, Summary, Totals } from '../sources/summary.js';
import { monthStart } from '../time.js';
import { chartLegend, dailyTokenSeries, PALETTE, stackedBarChart } from './chart.js';
import { compact, count, escapeHtml, longDay, modelName, regionName, share, shortDay, usd, utcTime } from './format.js';

export { escapeHtml };

/** Models drawn on their own in the chart; the rest are folded into "other". */
export const CHART_MODELS = PALETTE.length;
/** Days drawn at most, the most recent ones. */
export const CHART_DAYS = 92;
/** Rows listed at most in a breakdown table; the rest are summed in one row. */
export const TABLE_ROWS = 25;

type Tone = 'ok' | 'warn' | 'bad';

function state(status: RefreshStatus, snapshot: Snapshot | undefined): { tone: Tone; text: string } {
  const failing = status.sources.filter((source) => source.lastError !== undefined).map((source) => source.title);
  const which = failing.length > 0 && failing.length < status.sources.length ? ` of ${failing.join(' and ')}` : '';
  if (snapshot) return status.lastError ? { tone: 'warn', text: `serving the last good data; the latest refresh${which} failed` } : { tone: 'ok', text: 'up to date' };
  return status.lastError ? { tone: 'bad', text: 'no data yet; refresh failing' } : { tone: 'warn', text: 'first refresh under way' };
}

/** One source's state in a few words, when there are several. */
function sourceState(source: SourceStatus): string {
  const since = source.lastSuccessAt ? `, last success ${utcTime(source.lastSuccessAt)}` : '';
  if (source.lastError !== undefined) return `failing${since}`;
  if (!source.lastSuccessAt) return 'first refresh under way';
  return source.refreshing ? `refreshing${since}` : `up to date${since}`;
}

function statusRows(status: RefreshStatus, snapshot: Snapshot | undefined): string {
  const rows: Array<[string, string]> = [
    ['State', state(status, snapshot).text],
    ['Last successful refresh', utcTime(status.lastSuccessAt)],
    ['Last attempt', utcTime(status.lastAttemptAt)],
    ['Next refresh', status.refreshing ? 'under way' : utcTime(status.nextRefreshAt)],
    ['Bedrock services', status.services.length ? status.services.join(', ') : 'none found yet'],
    ...(status.sources.length > 1 ? status.sources.map((source): [string, string] => [`Source: ${source.title}`, sourceState(source)]) : []),
  ];
  if (status.lastError) rows.push(['Last error', status.lastError]);
  const summary = snapshot?.summary;
  if (summary) {
    rows.push(['Data through', `${summary.today} (daily gauges describe ${summary.dataDay})`]);
    rows.push(['Month to date', `${usd(summary.monthToDate.cost)}, ${count(summary.monthToDate.tokens)} tokens${summary.estimated.monthToDate ? ' (estimated)' : ''}`]);
  }
  if (snapshot) rows.push(['Series', count(snapshot.series)]);
  return rows.map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`).join('\n');
}

/** Token spend over tokens, as the dashboards' recording rule: provisioned throughput and other usage left out. */
const perMillion = (totals: Totals): string => (totals.tokens > 0 ? usd((totals.tokenCost / totals.tokens) * 1e6) : '–');

function estimatedNotice(summary: Summary): string {
  const windows = [...(summary.estimated.monthToDate ? ['month to date'] : []), ...(summary.estimated.daily ? [shortDay(summary.dataDay)] : [])];
  if (windows.length === 0) return '';
  return `<p class="notice" role="note"><strong>Estimated.</strong> Cost Explorer still marks ${escapeHtml(windows.join(' and '))} as estimated: these figures are revised, usually upward, as late billing records arrive.</p>`;
}

function cards(summary: Summary, today: LiveToday | undefined): string {
  const { monthToDate, daily, dataDay, estimated } = summary;
  const card = (label: string, value: string, note: string): string =>
    `<div class="card"><dt>${escapeHtml(label)}</dt><dd class="value">${escapeHtml(value)}</dd><dd>${escapeHtml(note)}</dd></div>`;
  const estimatedMark = (flag: boolean): string => (flag ? ', estimated' : '');
  return `<dl class="cards">
${card('Spend, month to date', usd(monthToDate.cost), `since ${shortDay(monthStart(summary.today))}, credits included${estimatedMark(estimated.monthToDate)}`)}
${card('Tokens, month to date', compact(monthToDate.tokens), `${count(monthToDate.tokens)} tokens`)}
${card(`Spend on ${shortDay(dataDay)}`, usd(daily.cost), `last complete UTC day${estimatedMark(estimated.daily)}`)}
${card(`Tokens on ${shortDay(dataDay)}`, compact(daily.tokens), `${count(daily.tokens)} tokens`)}
${card('Cost per 1M tokens', perMillion(monthToDate), 'month to date, token spend only')}
</dl>${today === undefined ? '' : liveCards(today, card)}`;
}

/** Beside the billed figures, today before the bill shows it: the live plane's estimate. */
function liveCards(today: LiveToday, card: (label: string, value: string, note: string) => string): string {
  const through = `estimated from CloudWatch through ${new Date(today.throughMs).toISOString().slice(11, 16)} UTC`;
  return `
<dl class="cards live">
${card('Spend today so far', usd(today.cost), through)}
${card('Tokens today so far', compact(today.tokens), `${count(today.tokens)} tokens since 00:00 UTC`)}
</dl>`;
}

/** Largest spend first; beyond `limit` rows, the rest are summed into one. */
export function rankTotals(totals: ReadonlyMap<string, Totals>, limit: number): { rows: Array<[string, Totals]>; rest: { count: number; totals: Totals } | undefined } {
  const sorted = [...totals].sort(([a, x], [b, y]) => y.cost - x.cost || y.tokens - x.tokens || a.localeCompare(b));
  if (sorted.length <= limit + 1) return { rows: sorted, rest: undefined };
  const folded = sorted.slice(limit);
  const sum = folded.reduce((acc, [, t]) => ({ cost: acc.cost + t.cost, tokens: acc.tokens + t.tokens, tokenCost: acc.tokenCost + t.tokenCost }), { cost: 0, tokens: 0, tokenCost: 0 });
  return { rows: sorted.slice(0, limit), rest: { count: folded.length, totals: sum } };
}

function breakdown(options: { id: string; caption: string; noun: string; plural: string; name: (key: string) => string; blankMeans: string; totals: ReadonlyMap<string, Totals>; all: Totals }): string {
  const { all } = options;
  const bar = (part: number): string => {
    const width = all.cost > 0 ? Math.min(100, Math.max(0, (part / all.cost) * 100)) : 0;
    return `<span class="bar" aria-hidden="true"><span style="width:${width.toFixed(1)}%"></span></span>`;
  };
  const row = (name: string, t: Totals, kind: string, title = ''): string =>
    `<tr${kind}><th scope="row"${title ? ` title="${escapeHtml(title)}"` : ''}>${escapeHtml(name)}</th><td class="num">${usd(t.cost)}</td><td class="share">${bar(t.cost)}${share(t.cost, all.cost)}</td>` +
    `<td class="num" title="${count(t.tokens)} tokens">${compact(t.tokens)}</td><td class="num">${share(t.tokens, all.tokens)}</td><td class="num">${perMillion(t)}</td></tr>`;
  const { rows, rest } = rankTotals(options.totals, TABLE_ROWS);
  const body = rows.map(([key, t]) => row(options.name(key), t, '', key === '' ? options.blankMeans : ''));
  if (rest) body.push(row(`${rest.count} more ${options.plural}`, rest.totals, ' class="rest"'));
  if (body.length === 0) body.push(`<tr><td colspan="6" class="empty">No Bedrock usage this month yet.</td></tr>`);
  return `<table class="breakdown" id="${options.id}">
<caption>${escapeHtml(options.caption)}</caption>
<colgroup><col class="name"><col class="spend"><col class="spend-share"><col class="tokens"><col class="token-share"><col class="unit-cost"></colgroup>
<thead><tr><th scope="col">${escapeHtml(options.noun)}</th><th scope="col" class="num">Spend</th><th scope="col">Share of spend</th><th scope="col" class="num">Tokens</th><th scope="col" class="num">Token share</th><th scope="col" class="num">Per 1M tokens</th></tr></thead>
<tbody>
${body.join('\n')}
</tbody>
<tfoot>${row('Total', all, '')}</tfoot>
</table>`;
}

function dailyChart(summary: Summary): string {
  const chart = dailyTokenSeries(summary.tokensByDay, { top: CHART_MODELS, through: summary.dataDay, maxDays: CHART_DAYS });
  const heading = '<h2 id="daily-tokens-heading">Daily tokens by model</h2>';
  if (chart.series.length === 0) return `<section class="panel" aria-labelledby="daily-tokens-heading">${heading}<p class="empty">No token usage in the days the exporter holds.</p></section>`;
  const first = chart.days[0]!;
  const last = chart.days[chart.days.length - 1]!;
  const range = first === last ? longDay(first) : `${longDay(first)} to ${longDay(last)}`;
  const partial = last === summary.today ? ` ${shortDay(summary.today)} is today and still incomplete: Cost Explorer lags by up to a day.` : '';
  return `<section class="panel" aria-labelledby="daily-tokens-heading">${heading}
<figure>
${stackedBarChart(chart, { id: 'daily-tokens', title: `Daily tokens by model, ${range}`, partialDay: summary.today })}
<figcaption>${chartLegend(chart)}<p class="muted">UTC days, ${escapeHtml(range)}; the ${CHART_MODELS} models with the most tokens over these days, the rest as “other”.${escapeHtml(partial)}</p></figcaption>
</figure>
</section>`;
}

function overview(summary: Summary, today: LiveToday | undefined): string {
  return `${estimatedNotice(summary)}
${cards(summary, today)}
${dailyChart(summary)}
<section class="panel">${breakdown({ id: 'by-model', caption: 'By model, month to date', noun: 'Model', plural: 'models', name: modelName, blankMeans: 'Bedrock charges that name no model, such as guardrails, AgentCore or Data Automation', totals: summary.byModel, all: summary.monthToDate })}</section>
<section class="panel">${breakdown({ id: 'by-region', caption: 'By region, month to date', noun: 'Region', plural: 'regions', name: regionName, blankMeans: 'Bedrock charges that name no region', totals: summary.byRegion, all: summary.monthToDate })}</section>${byAccount(summary)}`;
}

// Not there when the exporter runs without the account breakdown: every row would be one blank account.
function byAccount(summary: Summary): string {
  if (![...summary.byAccount.keys()].some((account) => account !== '')) return '';
  const name = (account: string): string => {
    const known = summary.accountNames.get(account);
    return known === undefined ? account : `${known} (${account})`;
  };
  return `
<section class="panel">${breakdown({ id: 'by-account', caption: 'By account, month to date', noun: 'Account', plural: 'accounts', name, blankMeans: '', totals: summary.byAccount, all: summary.monthToDate })}</section>`;
}

// Who spends: one table per tag or cost category, its values adding up to the bill.
function byValue({ title, totals }: Breakdown): string {
  const all = [...totals.values()].reduce((sum, t) => ({ cost: sum.cost + t.cost, tokens: sum.tokens + t.tokens, tokenCost: sum.tokenCost + t.tokenCost }), { cost: 0, tokens: 0, tokenCost: 0 });
  const id = `by-${title.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}`;
  const name = (value: string): string => (value === '' ? '(none)' : value);
  return `
<section class="panel">${breakdown({ id, caption: `By ${title}, month to date`, noun: title.charAt(0).toUpperCase() + title.slice(1), plural: 'values', name, blankMeans: `Spend without a value for ${title}: called without a tagged profile or principal, or before the tag was activated`, totals, all })}</section>`;
}

// A snapshot never changes once built, and the page is rendered per request: draw its overview once.
const overviews = new WeakMap<Snapshot, string>();

function cachedOverview(snapshot: Snapshot, summary: Summary): string {
  let html = overviews.get(snapshot);
  if (html === undefined) {
    html = overview(summary, snapshot.today) + snapshot.breakdowns.map(byValue).join('');
    overviews.set(snapshot, html);
  }
  return html;
}

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --panel: #ffffff; --bg: #f6f8fa; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: var(--fg); background: var(--bg); }
main { max-width: 1240px; margin: 0 auto; padding: 1.5rem 1.5rem 2.5rem; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .4rem 1.2rem; margin-bottom: 1rem; }
h1 { font-size: 1.5rem; margin: 0; }
h2 { font-size: 1rem; margin: 0 0 .6rem; }
header p { margin: 0; color: var(--muted); flex-basis: 100%; }
header nav { margin-left: auto; }
nav a { margin-left: .8rem; }
a { color: #0969da; }
.state { display: inline-block; padding: .15rem .6rem; border-radius: 999px; font-weight: 600; font-size: .85rem; }
.state.ok { background: #dafbe1; color: #116329; }
.state.warn { background: #fff8c5; color: #7d4e00; }
.state.bad { background: #ffebe9; color: #a40e26; }
.notice { background: #fff8c5; border: 1px solid #e7d98a; border-radius: 6px; padding: .6rem .9rem; margin: 0 0 1rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(150px, 100%), 1fr)); gap: .8rem; margin: 0 0 1rem; }
.cards.live { grid-template-columns: repeat(auto-fill, minmax(min(150px, 100%), 1fr)); }
.card, .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
.card { padding: .7rem .9rem; }
.card dt { color: var(--muted); font-size: .85rem; }
.card dd { margin: 0; color: var(--muted); font-size: .8rem; }
.card dd.value { color: var(--fg); font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.panel { padding: 1rem 1.1rem; margin-bottom: 1rem; overflow-x: auto; }
figure { margin: 0; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart rect:hover { opacity: .75; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1.1rem; padding: 0; margin: .6rem 0 .3rem; }
.legend li { display: inline-flex; align-items: center; gap: .35rem; }
.muted, figcaption p { color: var(--muted); }
figcaption p { margin: .2rem 0 0; font-size: .85rem; }
table { border-collapse: collapse; width: 100%; }
.breakdown { table-layout: fixed; min-width: 760px; }
col.name { width: 27%; } col.spend { width: 13%; } col.spend-share { width: 26%; } col.tokens { width: 10%; } col.token-share { width: 11%; } col.unit-cost { width: 13%; }
caption { text-align: left; font-weight: 600; padding-bottom: .5rem; }
th, td { text-align: left; padding: .3rem .6rem; vertical-align: top; }
.breakdown th, .breakdown td { border-bottom: 1px solid var(--line); white-space: nowrap; }
.breakdown th[scope=row] { white-space: normal; overflow-wrap: anywhere; }
.breakdown thead th { color: var(--muted); font-weight: 600; font-size: .8rem; }
.breakdown tbody th { font-weight: 500; }
.breakdown tfoot th, .breakdown tfoot td { font-weight: 600; border-bottom: 0; }
.breakdown tr.rest th { font-style: italic; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.share { font-variant-numeric: tabular-nums; }
.bar { display: inline-block; width: 160px; height: 8px; margin-right: .45rem; background: #eaeef2; border-radius: 4px; overflow: hidden; }
.bar span { display: block; height: 100%; background: var(--accent); }
.empty { color: var(--muted); }
.status th { font-weight: 600; padding-left: 0; white-space: nowrap; }
.status td { overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: .8rem; }
`;

export function landingPage(options: { version: string; telemetryPath: string; status: RefreshStatus; snapshot: Snapshot | undefined }): string {
  const { status, snapshot } = options;
  const current = state(status, snapshot);
  const body = snapshot?.summary ? cachedOverview(snapshot, snapshot.summary) : '<p class="panel empty">The overview appears after the first successful refresh from Cost Explorer.</p>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bedrock usage exporter</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>Bedrock usage exporter</h1>
<span class="state ${current.tone}">${escapeHtml(current.text)}</span>
<nav><a href="${escapeHtml(options.telemetryPath)}">Metrics</a> <a href="/-/healthy">Health</a> <a href="/-/ready">Readiness</a></nav>
<p>Amazon Bedrock usage and cost from the AWS bill (Cost Explorer), version ${escapeHtml(options.version)}.</p>
</header>
${body}
<section class="panel" aria-labelledby="status-heading">
<h2 id="status-heading">Refresh status</h2>
<table class="status">
${statusRows(status, snapshot)}
</table>
</section>
<footer>Figures come from Cost Explorer, which lags usage by up to a day; Grafana dashboards show the history Prometheus keeps.</footer>
</main>
</body>
</html>
`;
}
