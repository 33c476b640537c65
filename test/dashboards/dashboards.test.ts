import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { CATALOGUE } from '../../dashboards/catalogue.js';
import { metricNames, withVariablesReplaced } from '../../dashboards/promql.js';
import { panelQueries, variableQueries } from '../../dashboards/queries.js';
import { JOB_SELECTOR } from '../../dashboards/variables.js';
import { selectorsWithout } from '../helpers/job-selector.js';
import { temporaryFolder } from '../helpers/temporary.js';

const ROOT = join(import.meta.dirname, '..', '..');

// What the exporter serves (docs/design.md, "Metrics"), the prom-client process metrics the
// dashboards use, and `up`, which Prometheus records for every scrape.
const EXPORTER_METRICS = [
  'bedrock_tokens_daily',
  'bedrock_tokens_month_to_date',
  'bedrock_cost_usd_daily',
  'bedrock_cost_usd_month_to_date',
  'bedrock_usage_daily',
  'bedrock_usage_month_to_date',
  'bedrock_usage_type_info',
  'bedrock_account_info',
  'bedrock_allocation_cost_usd_month_to_date',
  'bedrock_allocation_tokens_month_to_date',
  'bedrock_data_day_timestamp_seconds',
  'bedrock_live_tokens_total',
  'bedrock_live_estimated_cost_usd_total',
  'bedrock_live_allocation_estimated_cost_usd_total',
  'bedrock_live_invocations_total',
  'bedrock_live_throttles_total',
  'bedrock_live_errors_total',
  'bedrock_live_data_timestamp_seconds',
  'bedrock_live_reconciliation_ratio',
  'bedrock_live_quota_usage_tokens_per_minute',
  'bedrock_quota_tokens_per_minute',
  'bedrock_data_estimated',
  'bedrock_exporter_build_info',
  'bedrock_exporter_refresh_success',
  'bedrock_exporter_last_refresh_success_timestamp_seconds',
  'bedrock_exporter_refresh_duration_seconds',
  'bedrock_exporter_aws_requests_total',
  'bedrock_exporter_aws_spend_usd_total',
  'bedrock_exporter_unrecognized_usage_types',
  'process_cpu_seconds_total',
  'process_resident_memory_bytes',
  'nodejs_eventloop_lag_p99_seconds',
];
const PROMETHEUS_METRICS = ['up'];

function recordingRules(): string[] {
  const dir = join(ROOT, 'prometheus', 'rules');
  const names: string[] = [];
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yml'))) {
    const document = parse(readFileSync(join(dir, file), 'utf8')) as { groups: Array<{ rules: Array<{ record?: string }> }> };
    for (const group of document.groups) for (const rule of group.rules) if (rule.record !== undefined) names.push(rule.record);
  }
  return names;
}

interface JsonPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults: { unit?: string } };
  targets?: Array<{ expr: string; refId: string; datasource?: { type: string; uid: string } }>;
}

interface JsonDashboard {
  uid: string;
  title: string;
  panels: JsonPanel[];
  templating: { list: Array<{ name: string; type: string; query: unknown; multi?: boolean; includeAll?: boolean; allValue?: string }> };
}

const committed = (): Map<string, JsonDashboard> =>
  new Map(CATALOGUE.map(({ file }) => [file, JSON.parse(readFileSync(join(ROOT, 'grafana', 'dashboards', file), 'utf8')) as JsonDashboard]));

const panelsOf = (dashboard: JsonDashboard): JsonPanel[] => dashboard.panels.filter((panel) => panel.type !== 'row');

t.test('the committed JSON is exactly what the generator writes, and nothing else is there', async (t) => {
  const dir = temporaryFolder(t, 'dashboards-');
  const loader = import.meta.resolve('@tapjs/typescript/import');
  const out = execFileSync(process.execPath, ['--import', loader, join(ROOT, 'dashboards', 'generate.ts'), dir], { cwd: ROOT, encoding: 'utf8' });
  t.equal(out.trim().split('\n').length, CATALOGUE.length, 'one line per file written');
  const files = CATALOGUE.map(({ file }) => file).sort();
  t.same(readdirSync(dir).sort(), files);
  t.same(readdirSync(join(ROOT, 'grafana', 'dashboards')).sort(), files, 'no stale dashboard in grafana/dashboards');
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    t.equal(text, readFileSync(join(ROOT, 'grafana', 'dashboards', file), 'utf8'), `${file} is up to date (run the generator)`);
    t.ok(text.endsWith('}\n'), `${file} ends with a newline`);
    t.equal(text, `${JSON.stringify(JSON.parse(text), null, 2)}\n`, `${file} is indented with 2 spaces`);
  }
});

t.test('run() writes into the folder given, else into the default one', async (t) => {
  const { run } = await import('../../dashboards/generate.js');
  const given = temporaryFolder(t, 'dashboards-given-');
  const fallback = temporaryFolder(t, 'dashboards-default-');
  t.same(await run([given], fallback), CATALOGUE.map(({ file }) => join(given, file)));
  t.same(readdirSync(fallback), []);
  t.same(await run([], fallback), CATALOGUE.map(({ file }) => join(fallback, file)));
  writeFileSync(join(given, 'keep.txt'), 'x');
  t.ok(readdirSync(given).includes('keep.txt'), 'writing leaves other files alone');
});

t.test('the shared frame: UTC, tag, a link to the other dashboards, numbered panels', async (t) => {
  const { dashboard } = await import('../../dashboards/layout.js');
  const empty = dashboard({ uid: 'empty', title: 'Empty', description: 'nothing yet', from: '1d', variables: [], rows: [] });
  t.same(empty.panels, [], 'no rows, no panels');
  t.equal(empty.timezone, 'utc');
  t.same(empty.time, { from: 'now-1d', to: 'now' });
  t.same(empty.links?.map((link) => [link.type, link.tags, link.asDropdown, link.keepTime, link.includeVars, 'placement' in link]), [['dashboards', ['bedrock'], true, true, true, false]]);
  for (const json of committed().values()) {
    t.ok((json as unknown as { tags: string[] }).tags.includes('bedrock'), `${json.uid}: tagged, so the links find it`);
    t.same(json.panels.map((panel) => panel.id), json.panels.map((_panel, index) => index + 1), `${json.uid}: panels numbered in order`);
  }
});

t.test('dashboard uids are fixed, unique and provisionable', async (t) => {
  const dashboards = [...committed().values()];
  const uids = dashboards.map((dashboard) => dashboard.uid);
  t.equal(new Set(uids).size, uids.length, 'unique uids');
  for (const dashboard of dashboards) {
    t.match(dashboard.uid, /^[a-z0-9-]{1,40}$/, `${dashboard.title}: short, URL-safe uid`);
    t.notOk('__inputs' in dashboard, `${dashboard.uid}: no __inputs (file provisioning cannot fill them)`);
    t.notOk(JSON.stringify(dashboard).includes('${DS_'), `${dashboard.uid}: no import-time data source placeholders`);
  }
  const titles = dashboards.map((dashboard) => dashboard.title);
  t.equal(new Set(titles).size, titles.length, 'unique titles');
});

t.test('every panel has a title, a description, the ${datasource} data source and a unit', async (t) => {
  for (const dashboard of committed().values()) {
    const panels = panelsOf(dashboard);
    t.ok(panels.length >= 8, `${dashboard.uid}: a real dashboard`);
    for (const panel of panels) {
      const where = `${dashboard.uid} / ${panel.title}`;
      t.ok(panel.title.length > 0, `${where}: title`);
      t.ok((panel.description ?? '').length >= 40, `${where}: description says what it shows`);
      t.same(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, `${where}: panel data source`);
      t.ok((panel.fieldConfig?.defaults.unit ?? '').length > 0, `${where}: unit`);
      t.ok((panel.targets ?? []).length > 0, `${where}: queries`);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      t.equal(new Set(refIds).size, refIds.length, `${where}: unique refIds`);
      for (const target of panel.targets ?? []) t.same(target.datasource, { type: 'prometheus', uid: '${datasource}' }, `${where} ${target.refId}: query data source`);
    }
  }
});

t.test('money is in US dollars and token counts in plain numbers, as the titles say', async (t) => {
  let money = 0;
  let tokens = 0;
  for (const dashboard of committed().values()) {
    for (const panel of panelsOf(dashboard)) {
      const unit = panel.fieldConfig?.defaults.unit;
      const where = `${dashboard.uid} / ${panel.title}`;
      if (/growth|ratio|doubling/i.test(panel.title)) continue;
      if (/\bspend\b|\bcost\b(?! Explorer)/i.test(panel.title)) {
        money++;
        t.equal(unit, 'currencyUSD', `${where}: USD`);
      } else if (/\btokens\b/i.test(panel.title)) {
        tokens++;
        t.equal(unit, 'short', `${where}: tokens`);
      }
    }
  }
  t.ok(money >= 10 && tokens >= 10, 'both kinds of panel were checked');
});

t.test('panels on the usage data say that Cost Explorer data lags', async (t) => {
  for (const dashboard of committed().values()) {
    for (const panel of panelsOf(dashboard)) {
      const readsUsage = (panel.targets ?? []).some((target) => /bedrock_(tokens|cost_usd|usage)_(daily|month_to_date)|:bedrock_(tokens|cost_usd)_/.test(target.expr));
      if (readsUsage) t.match(panel.description ?? '', /partial/, `${dashboard.uid} / ${panel.title}: mentions the partial latest day`);
    }
  }
});

t.test("every query of the exporter's series selects its job, as the rules do", async (t) => {
  const queries = [
    ...panelQueries().map((query) => ({ where: `${query.dashboard} / ${query.panel} ${query.refId}`, expr: query.promql })),
    ...variableQueries().map((variable) => ({ where: `${variable.dashboard} $${variable.name}`, expr: withVariablesReplaced(variable.query) })),
  ];
  for (const { where, expr } of queries) t.same(selectorsWithout(expr, JOB_SELECTOR), [], where);
});

t.test('queries read only what the exporter serves or the recording rules define', async (t) => {
  const rules = recordingRules();
  t.ok(rules.includes('model:bedrock_tokens_daily:sum'), 'the recording rules were read');
  const known = new Set([...EXPORTER_METRICS, ...PROMETHEUS_METRICS, ...rules]);
  const queries = panelQueries();
  t.equal(queries.length, [...committed().values()].reduce((n, d) => n + panelsOf(d).reduce((m, p) => m + (p.targets ?? []).length, 0), 0), 'panelQueries lists every target');
  for (const query of queries) {
    const names = metricNames(query.expr);
    t.ok(names.length > 0, `${query.dashboard} / ${query.panel} ${query.refId}: reads a series`);
    for (const name of names) t.ok(known.has(name), `${query.dashboard} / ${query.panel} ${query.refId}: ${name} is served or recorded`);
  }
  for (const variable of variableQueries()) {
    const match = /^label_values\((.+), *(\w+)\)$/.exec(variable.query);
    t.ok(match, `${variable.dashboard} $${variable.name}: a label_values query`);
    for (const name of metricNames(match?.[1] ?? '')) t.ok(known.has(name), `${variable.dashboard} $${variable.name}: ${name} is served`);
  }
});

t.test('template variables: defined where used, only in regex matchers, "All" matching absent labels', async (t) => {
  for (const dashboard of committed().values()) {
    const variables = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
    t.equal(variables.get('datasource')?.type, 'datasource', `${dashboard.uid}: datasource variable`);
    t.equal(variables.get('datasource')?.query, 'prometheus');
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      // A key's values add up to the whole bill: keys are shown one at a time, never summed together.
      if (variable.name === 'allocation_key') {
        t.notOk(variable.multi || variable.includeAll, `${dashboard.uid} $${variable.name}: one key at a time`);
        continue;
      }
      t.equal(variable.multi, true, `${dashboard.uid} $${variable.name}: multi`);
      t.equal(variable.includeAll, true, `${dashboard.uid} $${variable.name}: include All`);
      t.equal(variable.allValue, '.*', `${dashboard.uid} $${variable.name}: All also matches series without the label`);
    }
    const wanted = { 'bedrock-exporter': ['instance'], 'bedrock-chargeback': ['allocation_key', 'allocation_value'] }[dashboard.uid] ?? ['account', 'region', 'provider', 'model'];
    for (const name of wanted) t.ok(variables.has(name), `${dashboard.uid}: $${name}`);
    const queried = JSON.stringify(panelsOf(dashboard).map((panel) => [panel.datasource, panel.targets]));
    const uses = [...queried.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1] as string);
    for (const name of new Set(uses)) if (!name.startsWith('__')) t.ok(variables.has(name), `${dashboard.uid}: $${name} is defined`);
    for (const panel of panelsOf(dashboard)) {
      for (const target of panel.targets ?? []) {
        const outsideMatchers = target.expr.replace(/\w+=~"\$\w+"/g, '').replace(/\[\$__(range|rate_interval|interval)\]/g, '');
        t.notMatch(outsideMatchers, /\$/, `${dashboard.uid} / ${panel.title}: variables only as label=~"$var" or [$__range]`);
      }
    }
  }
});

t.test('panelQueries gives each query ready for Prometheus', async (t) => {
  const queries = panelQueries();
  const keys = queries.map((query) => `${query.dashboard}/${query.panelId}/${query.refId}`);
  t.equal(new Set(keys).size, keys.length, 'each (dashboard, panel, refId) once');
  for (const query of queries) t.notMatch(query.promql, /\$/, `${query.dashboard} / ${query.panel}: no variables left`);
  const filtered = queries.find((query) => query.expr.includes('model=~"$model"'));
  t.ok(filtered?.promql.includes('model=~".*"'));
  t.ok(queries.some((query) => query.instant) && queries.some((query) => !query.instant), 'instant and range queries');
  const settled = queries.filter((query) => query.needsHistory);
  t.ok(settled.length > 0 && settled.length < queries.length / 2, 'some queries need history, most do not');
  for (const query of settled) t.ok(metricNames(query.expr).some((name) => name.includes('_settled:')), `${query.panel}: reads a settled series`);
  for (const query of queries.filter((q) => !q.needsHistory)) t.notOk(metricNames(query.expr).some((name) => name.includes('_settled')), `${query.panel}: reads no settled series`);
});

t.test('every query parses (promtool)', async (t) => {
  const dir = temporaryFolder(t, 'dashboard-queries-');
  const rules = panelQueries().map((query, index) => `      - record: dashboard_query_${index}\n        expr: ${JSON.stringify(query.promql)}`);
  const file = join(dir, 'queries.yml');
  writeFileSync(file, `groups:\n  - name: dashboard-queries\n    rules:\n${rules.join('\n')}\n`);
  const out = execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  t.match(out, new RegExp(`SUCCESS: ${rules.length} rules found`));
});

t.test('panels sit inside the 24-column grid, without overlapping', async (t) => {
  for (const dashboard of committed().values()) {
    const ids = dashboard.panels.map((panel) => panel.id);
    t.equal(new Set(ids).size, ids.length, `${dashboard.uid}: unique panel ids`);
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      t.ok(x >= 0 && w > 0 && x + w <= 24 && h > 0, `${dashboard.uid} / ${panel.title}: inside the grid`);
      for (let row = y; row < y + h; row++) {
        for (let column = x; column < x + w; column++) {
          const cell = `${row}:${column}`;
          if (cells.has(cell)) t.fail(`${dashboard.uid} / ${panel.title}: overlaps at ${cell}`);
          cells.add(cell);
        }
      }
    }
  }
});

t.test('tables pick the value columns under the names Grafana gives them', async (t) => {
  let tables = 0;
  for (const dashboard of committed().values()) {
    for (const panel of panelsOf(dashboard) as Array<JsonPanel & { transformations?: Array<{ id: string; options: { includeByName?: Record<string, boolean> } }> }>) {
      if (panel.type !== 'table') continue;
      tables++;
      const targets = panel.targets ?? [];
      // One query: "Value"; several: "Value #<refId>" (Grafana's Prometheus table format).
      const valueColumns = new Set(targets.length === 1 ? ['Value'] : targets.map((target) => `Value #${target.refId}`));
      const organize = panel.transformations?.find((transformation) => transformation.id === 'organize');
      const picked = Object.keys(organize?.options.includeByName ?? {}).filter((name) => name.startsWith('Value'));
      for (const name of picked) t.ok(valueColumns.has(name), `${dashboard.uid} / ${panel.title}: ${name} exists`);
      t.ok(targets.every((target) => (target as { format?: string }).format === 'table'), `${dashboard.uid} / ${panel.title}: table-format queries`);
    }
  }
  t.ok(tables >= 4);
});
