import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import t, { type Test } from 'tap';
import { parse } from 'yaml';
import { generateDataset } from '../../src/emulator/dataset.js';
import { startEmulator } from '../../src/emulator/server.js';
import { addDays, dayOf } from '../../src/time.js';
import { forgetAwsEnvironment } from '../helpers/aws-environment.js';
import { runCli } from '../helpers/cli.js';
import { entrypointRunner } from '../helpers/entrypoint.js';
import { temporaryFolder } from '../helpers/temporary.js';

// Each credential route the README documents, through the stack's parts (no Docker engine here):
// docker-compose resolves the files as `docker compose up` would; each container is stood in for by a
// folder holding its mounts (bind mounts link to their sources, named volumes are empty folders), with
// the environment compose gives it and its image user's HOME; the entry point decides what runs; the
// real command then runs it and must reach Cost Explorer (the emulator) with the route's credentials.

const ROOT = join(import.meta.dirname, '..', '..');
/** HOME of the user each image runs as (Dockerfile: uid 1000 is node's `node`, 65534 is `nobody`). */
const IMAGE_HOME: Record<string, string> = { exporter: '/home/node', backfill: '/nonexistent' };
const PROFILE_FILE = 'docker/aws-profile.yml';

forgetAwsEnvironment();
const today = dayOf(new Date());
const emulator = await startEmulator({ dataset: generateDataset({ seed: 3, size: 'tiny', today }) });
t.teardown(() => emulator.close());

const runEntrypoint = entrypointRunner(t);

interface Service {
  command?: string[];
  environment?: Record<string, string | null>;
  volumes?: string[];
}

/** The services as docker-compose resolves `files` in a shell with `shell` for its environment. */
function resolve(files: string[], shell: Record<string, string>): Record<string, Service> {
  const result = spawnSync('docker-compose', [...files.flatMap((file) => ['-f', file]), 'config'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...shell },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`docker-compose config: ${result.stderr}`);
  return (parse(result.stdout) as { services: Record<string, Service> }).services;
}

/** A folder standing in for the container's file system, and the container's environment with paths into it. */
function container(name: string, service: Service) {
  const root = temporaryFolder(t, `routes-${name}-`);
  const inside = (path: string) => join(root, path);
  for (const volume of service.volumes ?? []) {
    const [source = '', target = ''] = volume.split(':');
    mkdirSync(dirname(inside(target)), { recursive: true });
    if (source.startsWith('/')) symlinkSync(source, inside(target));
    else mkdirSync(inside(target));
  }
  const env: Record<string, string> = { HOME: inside(IMAGE_HOME[name]!) };
  for (const [key, value] of Object.entries(service.environment ?? {})) {
    if (value !== null) env[key] = value.startsWith('/') ? inside(value) : value;
  }
  /** What the entry point would start, given the service's command and `extra` arguments. */
  const decide = (extra: string[] = []) => {
    const { argv, said } = runEntrypoint([...(service.command ?? []), ...extra], { ...env, BACKFILL_TSDB: inside('/prometheus') });
    const [cli, ...args] = argv;
    // Container paths in flags, as the container would see them (BACKFILL_TSDB above already is one).
    const seen = (path: string) => (path.startsWith(root) ? path : inside(path));
    return { cli, args: args.map((arg) => arg.replace(/^(--[\w.-]+=)(\/.*)$/, (_, flag: string, path: string) => flag + seen(path))), said };
  };
  return { env, decide, inside };
}

const keysSeen = () => Object.keys(emulator.stats().signedBy);

async function bringsTheStackUp(t: Test, files: string[], shell: Record<string, string>, accessKey: string) {
  const endpoints = Object.fromEntries(['COST_EXPLORER', 'CLOUDWATCH', 'BEDROCK', 'SERVICE_QUOTAS', 'PRICING', 'STS'].map((api) => [`AWS_ENDPOINT_URL_${api}`, emulator.url]));
  const services = resolve(files, { ...shell, ...endpoints, BACKFILL_RULES_DAYS: '1' });

  const backfill = container('backfill', services.backfill!);
  const exporter = container('exporter', services.exporter!);
  if (files.includes(PROFILE_FILE)) {
    // Where the SDK reads the config and credentials, and the IAM Identity Center (SSO) token cache.
    for (const [name, { env }] of [['backfill', backfill], ['exporter', exporter]] as const)
      t.equal(realpathSync(join(env.HOME!, '.aws')), realpathSync(join(shell.HOME!, '.aws')), `${name}: ~/.aws is the host's`);
  }
  const history = backfill.decide([`--from=${addDays(today, -3)}`]);
  t.equal(history.cli, '/app/dist/cli.js');
  t.match(history.said, /backfilling Cost Explorer's history/, 'the backfill reads the account');
  t.notOk(history.args.includes('emulator'), 'not the demo organization');
  const loaded = await runCli(history.args, { env: backfill.env, timeoutMs: 120_000 });
  t.equal(loaded.code, 0, `the backfill succeeded: ${loaded.stderr}`);
  t.ok(readdirSync(backfill.inside('/prometheus')).some((entry) => /^[0-9A-Z]{26}$/.test(entry)), 'blocks in Prometheus\' volume');
  t.ok(keysSeen().includes(accessKey), `signed with ${accessKey}`);

  const serve = exporter.decide();
  t.equal(serve.cli, '/app/dist/cli.js');
  t.equal(serve.args[0], 'serve', 'the exporter reads the account');
  const args = serve.args.map((arg) => (arg.startsWith('--web.listen-address=') ? '--web.listen-address=127.0.0.1:0' : arg));
  const before = emulator.stats().requests.GetMetricData ?? 0;
  // Both planes: the live one polls CloudWatch once the bill says where Bedrock is used.
  const served = await runCli(args, { env: exporter.env, until: /"source":"cloudwatch_live".*"msg":"refresh (succeeded|failed)"|refresh failed/, timeoutMs: 60_000 });
  t.match(served.stdout, /"source":"cost_explorer_usage_type".*"msg":"refresh succeeded"/, 'the exporter refreshed from the account');
  t.match(served.stdout, /"source":"cloudwatch_live".*"msg":"refresh succeeded"/, "and from the account's CloudWatch");
  t.ok((emulator.stats().requests.GetMetricData ?? 0) > before, 'through the endpoint compose passed on');
  t.ok(existsSync(exporter.inside('/var/lib/bedrock-usage-exporter/ledger.gz')), 'and kept its ledger on its volume');
}

t.test('exported access keys', async (t) => {
  await bringsTheStackUp(t, ['docker-compose.yml'], { HOME: temporaryFolder(t, 'routes-home-'), AWS_ACCESS_KEY_ID: 'AKIAEXPORTEDKEYS', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' }, 'AKIAEXPORTEDKEYS');
});

t.test('a named profile in ~/.aws, with docker/aws-profile.yml', async (t) => {
  for (const [file, section] of [['credentials', '[billing]'], ['config', '[profile billing]']] as const) {
    const home = temporaryFolder(t, 'routes-home-');
    mkdirSync(join(home, '.aws'));
    const key = `AKIAPROFILEIN${file.toUpperCase()}`;
    writeFileSync(join(home, '.aws', file), `${section}\naws_access_key_id = ${key}\naws_secret_access_key = secret\nregion = us-east-1\n`);
    await t.test(`keys in ~/.aws/${file}`, (t) => bringsTheStackUp(t, ['docker-compose.yml', PROFILE_FILE], { HOME: home, AWS_PROFILE: 'billing' }, key));
  }
});

t.test('no credentials: the demo, in the exporter and in the backfill', async (t) => {
  const services = resolve(['docker-compose.yml'], { HOME: temporaryFolder(t, 'routes-home-') });
  t.equal(container('exporter', services.exporter!).decide().args[0], 'demo');
  const history = container('backfill', services.backfill!).decide();
  t.match(history.said, /no AWS credentials: backfilling 35 days of the demo organization/);
});
