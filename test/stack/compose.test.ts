import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { STS } from '../../src/aws/assume-role.js';
import { BEDROCK } from '../../src/bedrock/profiles.js';
import { CLOUDWATCH } from '../../src/cloudwatch/client.js';
import { COST_EXPLORER } from '../../src/cost-explorer/client.js';
import { PRICING } from '../../src/pricing/price-list.js';
import { SERVICE_QUOTAS } from '../../src/service-quotas/token-quotas.js';

// docker-compose.yml against the files it mounts and the configuration inside them. No Docker engine
// runs here, so the compose file is checked with Debian's docker-compose (its `config` validates
// against the Compose specification offline) and the rest by reading the files.

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: string[] | Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
interface Compose {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const compose = parse(read('docker-compose.yml')) as Compose;
const service = (name: string): Service => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`no service ${name}`);
  return found;
};

/** `SOURCE:TARGET[:MODE]` of the service's volumes. */
const mounts = (name: string) =>
  (service(name).volumes ?? []).map((entry) => {
    const [source = '', target = '', mode = 'rw'] = entry.split(':');
    return { source, target, mode };
  });
const mountOf = (name: string, source: string): string => {
  const found = mounts(name).find((mount) => mount.source === source);
  if (found === undefined) throw new Error(`${name} does not mount ${source}`);
  return found.target;
};
/** Container ports the service publishes. */
const ports = (name: string): number[] => (service(name).ports ?? []).map((entry) => Number(entry.split(':').at(-1)));
const flag = (name: string, key: string): string | undefined =>
  service(name).command?.find((arg) => arg.startsWith(`--${key}=`))?.slice(key.length + 3);

t.test('docker-compose validates the file, alone and with the ~/.aws override', async (t) => {
  const run = (...files: string[]) =>
    execFileSync('docker-compose', [...files.flatMap((file) => ['-f', file]), 'config', '-q'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, HOME: '/home/someone' },
    });
  t.equal(run('docker-compose.yml'), '', 'docker-compose.yml is valid (needs Debian package docker-compose)');
  t.equal(run('docker-compose.yml', 'docker/aws-profile.yml'), '', 'with docker/aws-profile.yml');
  const merged = execFileSync('docker-compose', ['-f', 'docker-compose.yml', '-f', 'docker/aws-profile.yml', 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, HOME: '/home/someone' },
  });
  const exporter = (parse(merged) as Compose).services['exporter'];
  t.ok(exporter?.volumes?.includes('/home/someone/.aws:/home/node/.aws:ro'), 'the profile folder reaches the home of the image user, read-only');
  // The backfill runs first and as another user: it needs the profile as much as the exporter does.
  const backfill = (parse(merged) as Compose).services['backfill'];
  t.ok(backfill?.volumes?.includes('/home/someone/.aws:/home/backfill/.aws:ro'), 'and the backfill\'s');
  t.equal((backfill?.environment as Record<string, string | null>)['HOME'], '/home/backfill', 'whose HOME it is (credential-routes.test.ts runs each route)');
});

t.test('the four services and the one-time backfill, each image pinned to a version', async (t) => {
  t.same(Object.keys(compose.services).sort(), ['alertmanager', 'backfill', 'exporter', 'grafana', 'prometheus']);
  t.equal(service('exporter').build, '.', 'the exporter is built from the repository Dockerfile');
  for (const name of ['prometheus', 'alertmanager', 'grafana']) t.match(service(name).image, /^[\w./-]+:v?\d+\.\d+\.\d+$/, `${name}: pinned`);
});

t.test('every mounted file and folder exists, every named volume is declared', async (t) => {
  let binds = 0;
  for (const name of Object.keys(compose.services)) {
    for (const { source, target, mode } of mounts(name)) {
      if (source.startsWith('./')) {
        binds++;
        t.ok(existsSync(join(ROOT, source)), `${name}: ${source} exists`);
        t.equal(statSync(join(ROOT, source)).isFile(), /\.ya?ml$/.test(target), `${name}: ${source} is a ${/\.ya?ml$/.test(target) ? 'file' : 'folder'}`);
        t.equal(mode, 'ro', `${name}: ${source} is mounted read-only`);
      } else {
        t.ok(source in compose.volumes, `${name}: volume ${source} is declared`);
      }
    }
  }
  t.equal(binds, 6, 'prometheus.yml, rules (twice: Prometheus and the backfill), alertmanager.yml, Grafana provisioning and dashboards');
});

t.test('Prometheus scrapes the exporter service and sends alerts to the alertmanager service', async (t) => {
  const configPath = flag('prometheus', 'config.file');
  t.equal(configPath, mountOf('prometheus', './prometheus/prometheus.yml'), 'reads the mounted prometheus.yml');
  const config = parse(read('prometheus/prometheus.yml')) as {
    rule_files: string[];
    alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };
  const job = config.scrape_configs.find((scrape) => scrape.job_name === 'bedrock-usage-exporter');
  t.ok(job, 'job bedrock-usage-exporter, as the alerts and dashboards expect');
  const [host, port] = (job?.static_configs[0]?.targets[0] ?? '').split(':');
  t.equal(host, 'exporter', 'scrapes the exporter service');
  t.ok(ports('exporter').includes(Number(port)), `the exporter serves port ${port}`);
  t.match(read('Dockerfile'), new RegExp(`^EXPOSE ${port}$`, 'm'), 'the image exposes it too');
  t.equal(service('exporter').healthcheck?.test.at(-1), port, 'the health check asks the same port');

  const [amHost, amPort] = (config.alerting.alertmanagers[0]?.static_configs[0]?.targets[0] ?? '').split(':');
  t.equal(amHost, 'alertmanager');
  t.ok(ports('alertmanager').includes(Number(amPort)), `alertmanager serves port ${amPort}`);

  // rule_files are relative to the config file, so the rules must be mounted beside it.
  const rulesTarget = mountOf('prometheus', './prometheus/rules');
  for (const pattern of config.rule_files) {
    const resolved = posix.join(posix.dirname(configPath ?? ''), pattern);
    t.equal(posix.dirname(resolved), rulesTarget, `${pattern} lands in the mounted rules folder`);
  }
  t.equal(flag('alertmanager', 'config.file'), mountOf('alertmanager', './prometheus/alertmanager.yml'), 'alertmanager reads the mounted alertmanager.yml');
});

t.test('Grafana: provisioned data source is the prometheus service, dashboards come from the mounted folder', async (t) => {
  t.equal(mountOf('grafana', './grafana/provisioning'), '/etc/grafana/provisioning', "Grafana's default provisioning path");
  const datasources = parse(read('grafana/provisioning/datasources/prometheus.yml')) as {
    datasources: Array<{ uid: string; type: string; url: string; isDefault: boolean }>;
  };
  t.equal(datasources.datasources.length, 1);
  const source = datasources.datasources[0];
  const url = new URL(source?.url ?? '');
  t.equal(url.hostname, 'prometheus', 'the prometheus service');
  t.ok(ports('prometheus').includes(Number(url.port)), `Prometheus serves port ${url.port}`);
  t.equal(source?.type, 'prometheus');
  t.equal(source?.isDefault, true);
  for (const file of readdirSync(join(ROOT, 'grafana/dashboards')).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(read(`grafana/dashboards/${file}`)) as { templating: { list: Array<{ name: string; current?: { value: string } }> } };
    const variable = dashboard.templating.list.find((v) => v.name === 'datasource');
    t.equal(variable?.current?.value, source?.uid, `${file} defaults to the provisioned data source uid`);
  }

  const providers = parse(read('grafana/provisioning/dashboards/dashboards.yml')) as {
    providers: Array<{ type: string; options: { path: string } }>;
  };
  const dashboardsTarget = mountOf('grafana', './grafana/dashboards');
  t.equal(providers.providers[0]?.type, 'file');
  t.equal(providers.providers[0]?.options.path, dashboardsTarget, 'the file provider reads the mounted dashboards');
  const environment = service('grafana').environment as Record<string, string>;
  const home = environment['GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH'] ?? '';
  t.equal(dirname(home), dashboardsTarget, 'the home dashboard is one of the mounted ones');
  t.ok(existsSync(join(ROOT, 'grafana', 'dashboards', posix.basename(home))), `${posix.basename(home)} exists`);
  t.equal(environment['GF_AUTH_ANONYMOUS_ORG_ROLE'], 'Viewer', 'anonymous visitors can only view');
});

t.test('AWS variables pass through only when set, and the exporter container is locked down', async (t) => {
  const environment = service('exporter').environment as string[];
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION']) {
    t.ok(environment.includes(name), `${name} without a value: taken from the shell when set, absent otherwise`);
  }
  for (const { endpointVariable } of [COST_EXPLORER, CLOUDWATCH, BEDROCK, SERVICE_QUOTAS, PRICING, STS]) {
    t.ok(environment.includes(endpointVariable), `${endpointVariable}: every API the exporter calls can be pointed elsewhere`);
  }
  const exporter = compose.services['exporter'] as Service & { read_only?: boolean; tmpfs?: string[]; cap_drop?: string[] };
  t.equal(exporter.read_only, true, 'read-only root filesystem');
  t.same(exporter.tmpfs, ['/tmp']);
  t.same(exporter.cap_drop, ['ALL']);
});

t.test('docs/stack.md says what the files do', async (t) => {
  const doc = read('docs/stack.md');
  t.match(doc, /^docker compose up -d$/m, 'the command to start it');
  for (const name of Object.keys(compose.services)) {
    for (const port of ports(name)) t.match(doc, new RegExp(`http://localhost:${port}\\b`), `${name}: its URL`);
  }
  for (const name of ['prometheus', 'alertmanager', 'grafana']) {
    const version = service(name).image?.split(':')[1] ?? '';
    t.ok(doc.includes(`\`${version}\``), `${name}: the pinned version ${version}`);
  }
  const node = /^FROM node:([\d.]+)-/m.exec(read('Dockerfile'))?.[1] ?? '';
  t.ok(doc.includes(`\`${node}\``), `Node.js ${node}`);
  t.match(doc, /docker compose -f docker-compose\.yml -f docker\/aws-profile\.yml up -d/, 'the profile variant');
  const budget = /- record: (bedrock:budget_usd:monthly)\n\s+expr: vector\(/.exec(read('prometheus/rules/thresholds.yml'));
  t.ok(budget, 'the budget is a constant rule in prometheus/rules/thresholds.yml');
  t.ok(doc.includes(`record: ${budget?.[1]}`), 'the doc shows that rule');
  t.match(doc, /docker compose kill -s SIGHUP prometheus/, 'and how to reload it, with no HTTP endpoint that lets anyone do so');
  t.match(doc, /^docker build -t bedrock-usage-exporter \.$/m);
  t.match(read('Dockerfile'), /^# bedrock-usage-exporter: docker build -t bedrock-usage-exporter \.$/m, 'the Dockerfile names the same command');
});

t.test('the backfill runs once, into the data of Prometheus, before Prometheus starts', async (t) => {
  const backfill = compose.services.backfill as unknown as { build: { context: string; target: string }; command: string[]; restart: string; volumes: string[]; read_only: boolean };
  t.same(backfill.build, { context: '.', target: 'backfill' }, 'the Dockerfile stage with promtool and prometheus');
  t.same(backfill.command, ['backfill-once'], 'the entry point mode that skips when the volume says it is done');
  t.equal(backfill.restart, 'no');
  t.ok(backfill.read_only);
  const prometheusData = mounts('prometheus').find((mount) => mount.target === '/prometheus');
  t.ok(mounts('backfill').some((mount) => mount.source === prometheusData?.source && mount.target === '/prometheus'), 'the same volume as Prometheus');
  t.ok(mounts('backfill').some((mount) => mount.target === '/etc/prometheus/rules'), 'the recording rules to evaluate over the history');
  t.match(read('Dockerfile'), /^RUN mkdir \/prometheus && chown 65534:65534 \/prometheus$/m, 'the data folder owned by the user the backfill runs as');
  const dependsOn = service('prometheus').depends_on ?? {};
  t.equal(dependsOn.backfill?.condition, 'service_completed_successfully', 'Prometheus starts once the backfill has finished');
});

t.test('published on loopback unless STACK_BIND_ADDRESS says otherwise; no lifecycle API', async (t) => {
  for (const name of Object.keys(compose.services)) {
    for (const entry of service(name).ports ?? []) t.match(entry, /^\$\{STACK_BIND_ADDRESS:-127\.0\.0\.1\}:\d+:\d+$/, `${name}: ${entry}`);
  }
  t.notOk(service('prometheus').command?.includes('--web.enable-lifecycle'), 'no HTTP endpoint that reloads or stops Prometheus');
});

t.test('every long-running service has a health check on its own port', async (t) => {
  for (const name of ['exporter', 'prometheus', 'alertmanager', 'grafana']) {
    const test = service(name).healthcheck?.test.join(' ') ?? '';
    t.ok(test.startsWith('CMD '), `${name}: ${test}`);
    if (name !== 'exporter') t.match(test, new RegExp(`127\\.0\\.0\\.1:${ports(name)[0]}/`), `${name} asks its own port`);
  }
});

t.test('the exporter keeps its ledger on a volume', async (t) => {
  const environment = service('exporter').environment as string[];
  const file = environment.find((entry) => entry.startsWith('BEDROCK_EXPORTER_LEDGER_FILE='))?.split('=')[1] ?? '';
  const target = mountOf('exporter', 'exporter-data');
  t.equal(posix.dirname(file), target, 'the ledger file is on the volume');
  t.ok('exporter-data' in compose.volumes);
  t.match(read('Dockerfile'), new RegExp(`^COPY --from=build --chown=1000:1000 /ledger ${target}$`, 'm'), 'a folder the image user owns, which a new volume copies');
});
