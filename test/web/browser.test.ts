import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { chromium, type Page } from 'playwright-core';
import t from 'tap';
import type { Summary } from '../../src/sources/summary.js';
import { compact, modelName, regionName, shortDay } from '../../src/web/format.js';
import { CHART_MODELS, TABLE_ROWS } from '../../src/web/landing.js';
import { startStack } from '../helpers/stack.js';

// The landing page as people see it: the demo stack on loopback, Debian's Chromium, nothing downloaded.
// UPDATE_SCREENSHOT=1 also writes the README's screenshot, docs/overview.png.

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const SCREENSHOT = new URL('../../docs/overview.png', import.meta.url);

const parseUsd = (text: string): number => Number(text.replace(/[$,]/g, ''));
const SUFFIX: Record<string, number> = { '': 1, K: 1e3, M: 1e6, B: 1e9, T: 1e12 };
const parseCompact = (text: string): number => {
  const match = /^([\d.]+)([KMBT]?)$/.exec(text.trim());
  return match ? Number(match[1]) * SUFFIX[match[2]!]! : NaN;
};
const expectedRows = (size: number): number => (size <= TABLE_ROWS + 1 ? size : TABLE_ROWS + 1);

function watch(page: Page): { problems: string[]; requests: string[] } {
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('request', (request) => requests.push(request.url()));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return { problems, requests };
}

function modelsWithTokens(summary: Summary): number {
  const models = new Set<string>();
  for (const perModel of summary.tokensByDay.values()) for (const [model, tokens] of perModel) if (tokens > 0) models.add(model);
  return models.size;
}

t.test('the overview in headless Chromium matches the snapshot', async (t) => {
  t.ok(existsSync(CHROMIUM), `Debian's chromium is installed at ${CHROMIUM}`);
  // As the demo runs it, so that the screenshot is the demo's page.
  const stack = await startStack(t, { size: 'demo', flags: ['--collection.lookback-days=30', '--collection.allocation-tag=team', '--live.enabled=true'] });
  t.ok(await stack.exporter.collector.refresh());
  const summary = stack.exporter.collector.snapshot!.summary!;

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const { problems, requests } = watch(page);
  const response = await page.goto(`${stack.url}/`, { waitUntil: 'load' });
  t.equal(response?.status(), 200);

  t.test('tables by model and region, sorted by spend, adding up to the month', async (t) => {
    for (const [id, totals] of [['#by-model', summary.byModel], ['#by-region', summary.byRegion]] as const) {
      t.ok(await page.locator(id).isVisible(), `${id} is visible`);
      t.equal(await page.locator(`${id} tbody tr`).count(), expectedRows(totals.size), `${id}: one row per key`);
      const spends = (await page.locator(`${id} tbody td:nth-child(2)`).allTextContents()).map(parseUsd);
      t.same(spends, [...spends].sort((a, b) => b - a), `${id}: largest spend first`);
      const sum = spends.reduce((a, b) => a + b, 0);
      t.ok(Math.abs(sum - summary.monthToDate.cost) < 0.01 * spends.length, `${id}: rows add up to the month to date`);
      t.equal(parseUsd(await page.locator(`${id} tfoot td`).first().textContent() ?? ''), Math.round(summary.monthToDate.cost * 100) / 100);
    }
    const models = await page.locator('#by-model tbody th').allTextContents();
    if (summary.byModel.size <= TABLE_ROWS + 1) t.same(new Set(models), new Set([...summary.byModel.keys()].map(modelName)));
    const regions = await page.locator('#by-region tbody th').allTextContents();
    t.same(new Set(regions), new Set([...summary.byRegion.keys()].map(regionName)));
  });

  t.test('who spends: the team table adds up to the month too', async (t) => {
    const teams = page.locator('#by-tag-team');
    t.ok(await teams.isVisible(), 'the table by team is visible');
    t.match(await teams.locator('caption').textContent(), 'By tag team, month to date');
    const names = await teams.locator('tbody th').allTextContents();
    t.ok(names.includes('(none)') && names.length >= 4, `teams and spend without one: ${names.join(', ')}`);
    const spends = (await teams.locator('tbody td:nth-child(2)').allTextContents()).map(parseUsd);
    t.same(spends, [...spends].sort((a, b) => b - a), 'largest spend first');
    t.ok(Math.abs(parseUsd(await teams.locator('tfoot td').first().textContent() ?? '') - summary.monthToDate.cost) < 0.02, 'its total is the bill');
  });

  t.test('the chart: one series per top model plus other, one bar per day, axes that fit', async (t) => {
    const chart = page.getByRole('img', { name: /^Daily tokens by model/ });
    t.ok(await chart.isVisible(), 'the chart is visible under its accessible name');
    const box = await chart.boundingBox();
    t.ok(box && box.width > 900 && box.height > 200, 'the chart uses the width of the page');
    t.match(await chart.getAttribute('aria-describedby'), /\S/);
    t.match(await page.locator('svg.chart desc').textContent(), /Stacked bars one per UTC day/);

    const models = modelsWithTokens(summary);
    const series = models <= CHART_MODELS + 1 ? models : CHART_MODELS + 1;
    t.equal(await page.locator('svg.chart g.series').count(), series);
    t.equal(await page.locator('figure .legend li').count(), series);
    if (models > CHART_MODELS + 1) t.match(await page.locator('figure .legend li').last().textContent(), `Other (${models - CHART_MODELS} models)`);

    const xs = await page.locator('svg.chart g.series rect').evaluateAll((rects) => rects.map((r) => r.getAttribute('x')));
    t.equal(new Set(xs).size, summary.tokensByDay.size, 'one stacked bar per day with tokens');

    const days = [...summary.tokensByDay.keys()].sort();
    const peak = Math.max(...[...summary.tokensByDay.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0)));
    const ticks = (await page.locator('svg.chart .y-axis text').allTextContents()).map(parseCompact);
    t.equal(ticks[0], 0, 'the y axis starts at zero');
    t.same(ticks, [...ticks].sort((a, b) => a - b), 'y ticks go up');
    t.ok(ticks[ticks.length - 1]! >= peak, `the top tick (${compact(ticks[ticks.length - 1]!)}) covers the busiest day (${compact(peak)})`);
    const dayLabels = await page.locator('svg.chart .x-axis text').allTextContents();
    t.equal(dayLabels[dayLabels.length - 1], shortDay(days[days.length - 1]!), 'the latest day is labelled');

    // Boxes as the browser laid them out: every segment between the baseline and the top grid line.
    const boxes = await page.locator('svg.chart g.series rect').evaluateAll((rects) => rects.map((r) => (r as SVGGraphicsElement).getBBox()).map((b) => ({ top: b.y, bottom: b.y + b.height, height: b.height })));
    const gridTop = Math.min(...(await page.locator('svg.chart g.grid line').evaluateAll((lines) => lines.map((l) => Number(l.getAttribute('y1'))))));
    const baseline = Number(await page.locator('svg.chart line.baseline').getAttribute('y1'));
    t.ok(boxes.every((b) => b.height > 0), 'every bar segment has a height');
    t.ok(boxes.every((b) => b.top >= gridTop - 0.5 && b.bottom <= baseline + 0.5), 'bars stay inside the axes');

    // The served SVG is well-formed XML, so it also works saved on its own.
    const html = await (await stack.get('/')).text();
    const svg = /<svg xmlns[\s\S]*?<\/svg>/.exec(html)![0];
    const errors = await page.evaluate((source) => new DOMParser().parseFromString(source, 'image/svg+xml').getElementsByTagName('parsererror').length, svg);
    t.equal(errors, 0);
  });

  t.test('notices, status, and a clean load', async (t) => {
    t.equal(await page.locator('.notice').isVisible(), summary.estimated.monthToDate || summary.estimated.daily, 'the estimated notice follows the data');
    t.ok(await page.getByRole('heading', { name: 'Refresh status' }).isVisible());
    t.ok(await page.getByText('Spend today so far').isVisible(), 'today so far, estimated by the live plane, beside the billed figures');
    t.match(await page.locator('header .state').textContent(), 'up to date');
    t.same(requests, [`${stack.url}/`], 'the page loads nothing else');
    t.same(problems, [], 'no console errors or failed requests');
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no horizontal scrolling');
  });

  t.test('a phone-sized window does not scroll sideways', async (t) => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await phone.goto(`${stack.url}/`);
    t.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    t.ok(await phone.locator('svg.chart').isVisible());
    await phone.close();
  });

  const png = await page.screenshot({ fullPage: true });
  t.equal(png.subarray(1, 4).toString(), 'PNG', 'a full-page screenshot');
  if (process.env.UPDATE_SCREENSHOT === '1') await writeFile(SCREENSHOT, png);
});
