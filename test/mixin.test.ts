// The monitoring mixin (mixin/), rendered with Debian's jsonnet: by default it is the shipped rule files
// and dashboards; with another job selector every rule, alert and dashboard query of the exporter's
// series uses it, and the promtool tests of the rules pass on series of that job.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { panelQueries, type DashboardJson } from '../dashboards/queries.js';
import { annotationQueries, selectorsWithout } from './helpers/job-selector.js';
import { temporaryFolder } from './helpers/temporary.js';

const ROOT = join(import.meta.dirname, '..');
const run = async (command: string, args: string[]): Promise<string> => (await promisify(execFile)(command, args, { maxBuffer: 64 << 20 })).stdout;

t.setTimeout(300_000);
const DEFAULT = 'job="bedrock-usage-exporter"';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
}
interface Group {
  name: string;
  rules: Rule[];
}
interface Mixin {
  prometheusAlerts: { groups: Group[] };
  prometheusRules: { groups: Group[] };
  grafanaDashboards: Record<string, DashboardJson>;
}

/** The mixin with `config` merged into its _config, as a user's jsonnet file would take it. */
function mixin(config: Record<string, string> = {}): Mixin {
  const code = `local mixin = (import 'mixin.libsonnet') + { _config+:: std.parseJson(std.extVar('config')) };
    { prometheusAlerts: mixin.prometheusAlerts, prometheusRules: mixin.prometheusRules, grafanaDashboards: mixin.grafanaDashboards }`;
  return JSON.parse(execFileSync('jsonnet', ['-J', join(ROOT, 'mixin'), '--ext-str', `config=${JSON.stringify(config)}`, '-e', code], { encoding: 'utf8', maxBuffer: 64 << 20 })) as Mixin;
}

const shippedGroups = (): Group[] =>
  readdirSync(join(ROOT, 'prometheus', 'rules')).filter((file) => file.endsWith('.yml')).sort().flatMap((file) => (parse(readFileSync(join(ROOT, 'prometheus', 'rules', file), 'utf8')) as { groups: Group[] }).groups);

t.test('by default, the shipped rule files and dashboards', async (t) => {
  const { prometheusAlerts, prometheusRules, grafanaDashboards } = mixin();
  const shipped = shippedGroups();
  t.same(prometheusAlerts.groups, shipped.filter((group) => group.rules.every((rule) => rule.alert !== undefined)), 'prometheusAlerts: the groups of alerts');
  t.same(prometheusRules.groups, shipped.filter((group) => group.rules.every((rule) => rule.record !== undefined)), 'prometheusRules: the groups of recording rules');
  t.equal(prometheusAlerts.groups.length + prometheusRules.groups.length, shipped.length, 'every group, once');
  const dashboards = readdirSync(join(ROOT, 'grafana', 'dashboards')).filter((file) => file.endsWith('.json'));
  t.same(Object.keys(grafanaDashboards).sort(), dashboards.sort());
  for (const file of dashboards) t.same(grafanaDashboards[file], JSON.parse(readFileSync(join(ROOT, 'grafana', 'dashboards', file), 'utf8')), file);
});

t.test('another job selector: in every rule, alert and dashboard query, and the rules still pass their tests', async (t) => {
  const selector = 'job="bedrock-prod"'; // the tests' series are rewritten to this job
  const { prometheusAlerts, prometheusRules, grafanaDashboards } = mixin({ exporterSelector: `${selector}, namespace="monitoring"` });
  const rules = [...prometheusAlerts.groups, ...prometheusRules.groups].flatMap((group) => group.rules);
  for (const rule of rules) {
    for (const query of [rule.expr, ...Object.values(rule.annotations ?? {}).flatMap(annotationQueries)]) {
      t.same([...selectorsWithout(query, selector), ...selectorsWithout(query, 'namespace="monitoring"')], [], rule.alert ?? rule.record ?? '');
    }
  }
  for (const query of panelQueries(Object.values(grafanaDashboards))) t.same(selectorsWithout(query.promql, selector), [], `${query.dashboard} / ${query.panel}`);
  const variables = Object.values(grafanaDashboards).flatMap((dashboard) => dashboard.templating.list.filter((variable) => variable.type === 'query'));
  for (const variable of variables) t.match(String(variable.query), selector, `$${variable.name}`);
  t.notMatch(JSON.stringify([rules, grafanaDashboards]), DEFAULT, 'the default is nowhere left');

  // The shipped promtool tests, on series of the other job, against the mixin's rules.
  const dir = temporaryFolder(t, 'mixin-');
  mkdirSync(join(dir, 'rules'));
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, 'rules', 'alerts.yml'), JSON.stringify(mixin({ exporterSelector: selector }).prometheusAlerts));
  writeFileSync(join(dir, 'rules', 'rules.yml'), JSON.stringify(mixin({ exporterSelector: selector }).prometheusRules));
  t.match(execFileSync('promtool', ['check', 'rules', join(dir, 'rules', 'alerts.yml'), join(dir, 'rules', 'rules.yml')], { encoding: 'utf8' }), /SUCCESS/);
  const tests = readdirSync(join(ROOT, 'prometheus', 'tests')).filter((file) => file.endsWith('.yml'));
  for (const file of tests) {
    const text = readFileSync(join(ROOT, 'prometheus', 'tests', file), 'utf8')
      .replace(/^rule_files:\n(?: {2}- .*\n)+/m, 'rule_files:\n  - ../rules/*.yml\n')
      .replace(/(job(?:="| |: '))bedrock-usage-exporter\b/g, '$1bedrock-prod');
    writeFileSync(join(dir, 'tests', file), text);
  }
  t.ok(tests.length > 0);
  // About a minute and a half of CPU: one promtool for every file, so the tests beside this one (the
  // end-to-end stack's) keep a core.
  const output = await run('promtool', ['test', 'rules', ...tests.map((file) => join(dir, 'tests', file))]);
  t.equal(output.match(/^ {2}SUCCESS$/gm)?.length, tests.length, 'promtool test rules: every file passes');
});

t.test("the README's recipe, with the mixin vendored as jsonnet-bundler installs it", async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const [, install, program, render] = /^jb install (\S+)@main\ncat > bedrock\.jsonnet <<'JSONNET'\n([\s\S]+?)\nJSONNET\n(jsonnet .+?)\s+#/m.exec(readme)!;
  const dir = temporaryFolder(t, 'mixin-user-');
  cpSync(join(ROOT, 'mixin'), join(dir, 'vendor', install!), { recursive: true }); // jb copies the folder alone
  writeFileSync(join(dir, 'bedrock.jsonnet'), program!);
  mkdirSync(join(dir, 'out'));
  const [command, ...args] = render!.split(/\s+/);
  execFileSync(command!, args, { cwd: dir });
  const files = readdirSync(join(dir, 'out')).sort();
  t.same(files.filter((file) => file.endsWith('.json')), readdirSync(join(ROOT, 'grafana', 'dashboards')).filter((file) => file.endsWith('.json')).sort(), 'every dashboard');
  const ruleFiles = files.filter((file) => file.endsWith('.yml')).map((file) => join(dir, 'out', file));
  t.equal(ruleFiles.length, 2);
  t.match(execFileSync('promtool', ['check', 'rules', ...ruleFiles], { encoding: 'utf8' }), /SUCCESS/);
  t.match(readFileSync(ruleFiles[0]!, 'utf8'), 'namespace=\\"monitoring\\"', 'with the selector of the recipe');
});
