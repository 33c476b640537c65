import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ENTRYPOINT, entrypointRunner } from '../helpers/entrypoint.js';
import { temporaryFolder } from '../helpers/temporary.js';

// Which command the container would start, in each situation (helpers/entrypoint.ts).

const SCRIPT = ENTRYPOINT;
const run = entrypointRunner(t);
const start = (env: Record<string, string>, args: string[] = [], home = temporaryFolder(t, 'entrypoint-home-')) => run(args, { HOME: home, ...env });

t.test('the script is POSIX sh', async (t) => {
  t.equal(execFileSync('sh', ['-n', SCRIPT], { encoding: 'utf8' }), '');
});

t.test('no AWS credentials: the demo, on port 9180, saying so', async (t) => {
  const { status, argv, said } = start({});
  t.equal(status, 0);
  t.same(argv, ['/app/dist/cli.js', 'demo', '--web.listen-address=:9180']);
  t.match(said, /no AWS credentials/);
});

t.test('any source of AWS credentials: the exporter on the real account', async (t) => {
  const sources: Array<Record<string, string>> = [
    { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' },
    { AWS_PROFILE: 'billing' },
    { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token' },
    { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' },
    { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials' },
  ];
  for (const env of sources) {
    const { argv, said } = start(env);
    t.same(argv, ['/app/dist/cli.js', 'serve', '--web.listen-address=:9180'], Object.keys(env).join(', '));
    t.match(said, /AWS credentials found/);
  }
});

t.test('a mounted ~/.aws counts when it holds a credentials or config file', async (t) => {
  for (const file of ['credentials', 'config']) {
    const home = temporaryFolder(t, 'entrypoint-home-');
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', file), '[default]\nregion = us-east-1\n');
    t.equal(start({}, [], home).argv[1], 'serve', `~/.aws/${file}`);
  }
  const empty = temporaryFolder(t, 'entrypoint-home-');
  mkdirSync(join(empty, '.aws'));
  writeFileSync(join(empty, '.aws', 'credentials'), '');
  t.equal(start({}, [], empty).argv[1], 'demo', 'an empty ~/.aws/credentials does not');
  const elsewhere = join(empty, 'creds');
  writeFileSync(elsewhere, '[default]\n');
  t.equal(start({ AWS_SHARED_CREDENTIALS_FILE: elsewhere }, [], empty).argv[1], 'serve', 'AWS_SHARED_CREDENTIALS_FILE');
  t.equal(start({ AWS_PROFILE: '' }).argv[1], 'demo', 'an empty variable does not');
});

t.test('flags are passed on; an explicit command is run as given', async (t) => {
  t.same(start({}, ['--log.level', 'debug']).argv, ['/app/dist/cli.js', 'demo', '--web.listen-address=:9180', '--log.level', 'debug']);
  t.same(start({}, ['serve', '--refresh.interval=1h']).argv, ['/app/dist/cli.js', 'serve', '--refresh.interval=1h'], 'serve without credentials (an EC2 instance profile)');
  t.same(start({ AWS_PROFILE: 'x' }, ['demo']).argv, ['/app/dist/cli.js', 'demo'], 'the demo despite credentials');
  for (const command of ['emulator', 'backfill', 'check-config']) t.equal(start({}, [command]).argv[1], command);
  t.equal(start({}, [], '').argv[1], 'demo', 'no HOME at all');
});

t.test('backfill-once: history into the data volume once, then never again', async (t) => {
  const tsdb = temporaryFolder(t, 'entrypoint-tsdb-');
  const demo = start({ BACKFILL_TSDB: tsdb }, ['backfill-once']);
  t.equal(demo.status, 0);
  t.match(demo.said, /no AWS credentials: backfilling 35 days of the demo organization/);
  t.ok(demo.argv.includes('emulator') && demo.argv.includes('--seed=42') && demo.argv.includes('--size=demo'), 'the demo organization, as the exporter serves it');
  const fromDay = new Date(Date.now() - 35 * 86_400_000).toISOString().slice(0, 10);
  t.ok(demo.argv.includes('backfill') && demo.argv.includes(`--tsdb=${tsdb}`) && demo.argv.includes(`--from=${fromDay}`), `backfill from ${fromDay}`);
  t.ok(demo.argv.includes('--rules=/etc/prometheus/rules/recording.yml'));
  t.ok(existsSync(join(tsdb, '.bedrock-backfill-done')), 'done: the marker is written');

  const again = start({ BACKFILL_TSDB: tsdb }, ['backfill-once']);
  t.equal(again.status, 0);
  t.same(again.argv, [''], 'a restart runs nothing');
  t.match(again.said, /already backfilled/);

  const real = temporaryFolder(t, 'entrypoint-tsdb-');
  const account = start({ BACKFILL_TSDB: real, AWS_PROFILE: 'billing' }, ['backfill-once', '--dry-run']);
  t.same(account.argv.filter((arg) => !arg.startsWith('--rules-from=')), ['/app/dist/cli.js', 'backfill', `--tsdb=${real}`, '--rules=/etc/prometheus/rules/recording.yml', '--dry-run'], 'the whole window of the real account; extra flags passed on');
  const rulesFrom = account.argv.find((arg) => arg.startsWith('--rules-from='))?.slice('--rules-from='.length);
  const daysBack = (Date.now() - Date.parse(`${rulesFrom}T00:00:00Z`)) / 86_400_000;
  t.ok(daysBack > 34 && daysBack < 37, `the rules over the last 35 days only (from ${rulesFrom})`);
});

t.test('backfill-once: a failed backfill leaves no marker, and lets Prometheus start', async (t) => {
  const failing = temporaryFolder(t, 'entrypoint-bin-');
  writeFileSync(join(failing, 'node'), '#!/bin/sh\ncase " $* " in *" backfill "*) exit 1;; esac\nexit 0\n', { mode: 0o755 });
  for (const [route, env] of [['credentials', { AWS_PROFILE: 'x' }], ['demo', {}]] as const) {
    const tsdb = temporaryFolder(t, 'entrypoint-tsdb-');
    const result = spawnSync('sh', [SCRIPT, 'backfill-once'], { env: { PATH: `${failing}:/usr/bin:/bin`, HOME: tsdb, BACKFILL_TSDB: tsdb, ...env }, encoding: 'utf8' });
    t.equal(result.status, 0, `${route}: Prometheus waits for a successful end`);
    t.match(result.stderr, /the history was not loaded .*the next 'docker compose up' tries again/, `${route}: and it says so`);
    t.notOk(existsSync(join(tsdb, '.bedrock-backfill-done')), `${route}: no marker: the next start tries again`);
  }
});
