// Conventions of the shipped rules: alert labels and annotations, runbook anchors, recording rule
// names, thresholds in one file, and a promtool test for every rule.
import t from 'tap';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { annotationQueries, selectorsWithout } from '../helpers/job-selector.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The runbook lives in the repository that package.json names as the project's home.
const { homepage } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { homepage: string };
const RUNBOOK_URL = `${homepage.replace(/#readme$/, '')}/blob/main/docs/runbook.md#`;

interface Rule {
  file: string;
  group: string;
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a mapping`);
  return value as Record<string, unknown>;
}

function asList(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list`);
  return value;
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(asRecord(value, where)).map(([k, v]) => [k, String(v)]));
}

async function yamlIn(dir: string): Promise<Array<{ file: string; doc: unknown }>> {
  const files = (await readdir(join(root, dir))).filter((name) => name.endsWith('.yml')).sort();
  return Promise.all(files.map(async (file) => ({ file, doc: parse(await readFile(join(root, dir, file), 'utf8')) as unknown })));
}

const rules: Rule[] = (await yamlIn('prometheus/rules')).flatMap(({ file, doc }) =>
  asList(asRecord(doc, file).groups, `${file} groups`).flatMap((g) => {
    const group = asRecord(g, file);
    return asList(group.rules, `${file} rules`).map((r) => {
      const rule = asRecord(r, file);
      return {
        file,
        group: String(group.name),
        ...(rule.alert === undefined ? {} : { alert: String(rule.alert) }),
        ...(rule.record === undefined ? {} : { record: String(rule.record) }),
        ...(rule.for === undefined ? {} : { for: String(rule.for) }),
        expr: String(rule.expr),
        labels: stringMap(rule.labels, `${file} labels`),
        annotations: stringMap(rule.annotations, `${file} annotations`),
      };
    });
  }),
);
const alerts = rules.filter((rule) => rule.alert !== undefined);
const records = rules.filter((rule) => rule.record !== undefined);

interface RuleTests {
  exprs: string[];
  firing: Set<string>;
  silent: Set<string>;
}

const ruleTests: RuleTests = { exprs: [], firing: new Set(), silent: new Set() };
for (const { file, doc } of await yamlIn('prometheus/tests')) {
  for (const test of asList(asRecord(doc, file).tests, `${file} tests`)) {
    const group = asRecord(test, file);
    for (const exprTest of asList(group.promql_expr_test ?? [], `${file} promql_expr_test`)) {
      ruleTests.exprs.push(String(asRecord(exprTest, file).expr));
    }
    for (const alertTest of asList(group.alert_rule_test ?? [], `${file} alert_rule_test`)) {
      const entry = asRecord(alertTest, file);
      const expected = asList(entry.exp_alerts ?? [], `${file} exp_alerts`);
      (expected.length > 0 ? ruleTests.firing : ruleTests.silent).add(String(entry.alertname));
    }
  }
}

// GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens.
function anchorsOf(markdown: string): Set<string> {
  const headings = markdown.split('\n').filter((line) => /^#{1,6} /.test(line));
  return new Set(
    headings.map((line) =>
      line
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

function seconds(duration: string): number {
  const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const [, amount, unit] of duration.matchAll(/(\d+)([smhdw])/g)) total += Number(amount) * (units[unit ?? ''] ?? NaN);
  return total;
}

/** The shortest range an expression reads, itself or through the recording rules it uses (Infinity for none). */
function shortestRange(expr: string, seen = new Set<string>()): number {
  let shortest = Math.min(Infinity, ...[...expr.matchAll(/\[(\d+[smhdw])\]/g)].map(([, range]) => seconds(range ?? '')));
  for (const record of records) {
    if (seen.has(record.record!) || !new RegExp(`(^|[^\\w:])${record.record!.replaceAll('.', '\\.')}($|[^\\w:])`).test(expr)) continue;
    seen.add(record.record!);
    shortest = Math.min(shortest, shortestRange(record.expr, seen));
  }
  return shortest;
}

const runbook = await readFile(join(root, 'docs', 'runbook.md'), 'utf8');
const alertsDoc = await readFile(join(root, 'docs', 'alerts.md'), 'utf8');
const runbookAnchors = anchorsOf(runbook);

t.test('the anchor helper follows GitHub', async (t) => {
  t.same([...anchorsOf('# Runbook: Bedrock usage\n## BedrockTokenSpike\ntext\n### How the data behaves\n')], [
    'runbook-bedrock-usage',
    'bedrocktokenspike',
    'how-the-data-behaves',
  ]);
  t.equal(seconds('1h30m'), 5400);
  t.equal(seconds('15m'), 900);
  t.equal(shortestRange('rate(x[15m]) > rate(x[1h])'), 900);
  t.equal(shortestRange('org:bedrock_live_estimated_cost_usd:rate15m * 3600 > 1'), 900, 'through a recording rule');
  t.equal(shortestRange('bedrock_quota_tokens_per_minute > 1'), Infinity, 'no range');
});

t.test('the rule files hold alerts and recording rules', async (t) => {
  t.ok(alerts.length >= 16, `${alerts.length} alerts`);
  t.ok(records.length >= 30, `${records.length} recording rules`);
  t.same(
    rules.filter((rule) => rule.alert === undefined && rule.record === undefined),
    [],
    'every rule is an alert or a recording rule',
  );
});

t.test('every alert follows the conventions', async (t) => {
  const names = new Set<string>();
  for (const rule of alerts) {
    const name = rule.alert ?? '';
    t.test(name, async (t) => {
      t.notOk(names.has(name), 'the name is unique');
      names.add(name);
      t.match(name, /^Bedrock[A-Z][A-Za-z]+$/, 'CamelCase with the Bedrock prefix');
      t.ok(['critical', 'warning', 'info'].includes(rule.labels.severity ?? ''), `severity ${rule.labels.severity}`);
      t.ok((rule.annotations.summary ?? '').length > 0, 'has a summary');
      t.ok((rule.annotations.description ?? '').length > 0, 'has a description');
      t.match(rule.annotations.description ?? '', /\{\{/, 'the description shows values through templates');
      t.equal(rule.annotations.runbook_url, RUNBOOK_URL + name.toLowerCase(), 'runbook_url points at its own section');
      t.ok(runbookAnchors.has(name.toLowerCase()), `docs/runbook.md has the anchor #${name.toLowerCase()}`);
      // What an alert compares must be steady for 5 minutes, or be an average over 15 minutes or more
      // (whose window already rides out a burst) held for one more evaluation.
      const smoothed = shortestRange(rule.expr) >= 900 && shortestRange(rule.expr) < Infinity;
      t.ok(seconds(rule.for ?? '') >= (smoothed ? 60 : 300), `for: ${rule.for} rides out noise (at least 5m, or 1m over a window of 15m or more)`);
      t.ok(ruleTests.firing.has(name), 'a promtool test makes it fire');
      t.ok(ruleTests.silent.has(name), 'a promtool test checks it does not fire');
      t.match(alertsDoc, `\`${name}\``, 'docs/alerts.md describes it');
    });
  }
});

t.test('every alert section of the runbook belongs to an alert', async (t) => {
  const alertNames = new Set(alerts.map((rule) => rule.alert));
  const sections = runbook.split('\n').filter((line) => /^## Bedrock/.test(line)).map((line) => line.slice(3).trim());
  t.same(sections.filter((section) => !alertNames.has(section)), []);
  t.equal(sections.length, alertNames.size);
});

t.test('every recording rule is named level:metric:operations', async (t) => {
  for (const rule of records) {
    const name = rule.record ?? '';
    t.match(name, /^[a-z][a-z_]*:[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/, name);
  }
});

t.test('thresholds live in thresholds.yml only, and each one is used and documented', async (t) => {
  const thresholds = records.filter((rule) => rule.file === 'thresholds.yml');
  t.ok(thresholds.length > 0);
  for (const rule of thresholds) {
    const name = rule.record ?? '';
    t.match(name, /^bedrock:/, `${name} is a bedrock: constant`);
    t.match(rule.expr, /^vector\([-+.\de]+\)$/, `${name} is a constant`);
    t.ok(alerts.some((alert) => alert.expr.includes(name)), `${name} is used by an alert`);
    t.match(alertsDoc, `\`${name}\``, `docs/alerts.md documents ${name}`);
  }
  const elsewhere = records.filter((rule) => rule.file !== 'thresholds.yml' && rule.record?.startsWith('bedrock:'));
  t.same(elsewhere.map((rule) => rule.record), [], 'no bedrock: constants outside thresholds.yml');
});

t.test('every recording rule outside thresholds.yml has an exact-value promtool test', async (t) => {
  for (const rule of records.filter((rule) => rule.file !== 'thresholds.yml')) {
    const name = rule.record ?? '';
    const tested = ruleTests.exprs.some((expr) => new RegExp(`(^|[^a-z0-9_:])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9_:])`).test(expr));
    t.ok(tested, name);
  }
});

t.test('Alertmanager inhibition names the right alerts', async (t) => {
  const config = asRecord(parse(await readFile(join(root, 'prometheus', 'alertmanager.yml'), 'utf8')) as unknown, 'alertmanager.yml');
  // Alertmanager anchors regular expressions at both ends.
  const alertnameMatcher = (matchers: unknown, where: string): RegExp => {
    const found = asList(matchers, where)
      .map((m) => /^alertname(=~|=)"(.*)"$/.exec(String(m)))
      .find((m) => m !== null);
    if (found === undefined || found === null) throw new Error(`${where}: no alertname matcher`);
    const [, op, value] = found;
    return new RegExp(op === '=~' ? `^(?:${value})$` : `^${(value ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  };
  const names = alerts.map((rule) => rule.alert ?? '');
  const usageAlerts = alerts.filter((rule) => rule.file === 'usage-alerts.yml').map((rule) => rule.alert ?? '');
  const inhibitions = asList(config.inhibit_rules, 'inhibit_rules').map((r, i) => {
    const rule = asRecord(r, `inhibit rule ${i}`);
    const source = alertnameMatcher(rule.source_matchers, `inhibit rule ${i} source`);
    const target = alertnameMatcher(rule.target_matchers, `inhibit rule ${i} target`);
    return { sources: names.filter((n) => source.test(n)), targets: names.filter((n) => target.test(n)) };
  });

  t.same(inhibitions[0], {
    sources: ['BedrockExporterDown', 'BedrockExporterAbsent', 'BedrockExporterDataStale'],
    targets: usageAlerts,
  }, 'an exporter that is down, absent or stale holds back every usage, spend and governance alert');
  t.same(inhibitions[1], {
    sources: ['BedrockExporterDown'],
    targets: [
      'BedrockExporterDataStale',
      'BedrockExporterAwsErrors',
      'BedrockExporterAwsThrottled',
      'BedrockExporterUnrecognizedUsageTypes',
      'BedrockExporterAwsSpendHigh',
    ],
  });
  t.same(inhibitions[2], { sources: ['BedrockSpendOverBudget'], targets: ['BedrockSpendProjectedOverBudget'] });
  t.same(inhibitions[3], { sources: ['BedrockAllocationSpendOverBudget'], targets: ['BedrockAllocationSpendProjectedOverBudget'] });
  t.same(asRecord(asList(config.inhibit_rules, 'inhibit_rules')[3], 'inhibit rule 3').equal, ['allocation_type', 'allocation_key', 'allocation_value'], "a value's budget holds back that value's projection only");
  t.equal(inhibitions.length, 4);
});

t.test("every selector of a scraped series selects the exporter's job, in expressions and annotations", async (t) => {
  for (const rule of rules) {
    const queries = [rule.expr, ...Object.values(rule.annotations).flatMap(annotationQueries)];
    for (const query of queries) t.same(selectorsWithout(query, 'job="bedrock-usage-exporter"'), [], `${rule.file}: ${rule.alert ?? rule.record}`);
  }
  t.same(selectorsWithout('sum(up{job="bedrock-usage-exporter"}) / sum(up)', 'job="bedrock-usage-exporter"'), ['up'], 'a selector without it is found');
  t.throws(() => selectorsWithout('sum(up', 'job="x"'), /does not parse/);
});
