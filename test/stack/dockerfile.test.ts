import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';

// The Dockerfile read as Docker reads it: instructions (continuation lines joined), stages, COPY
// sources against the build context that .dockerignore leaves. The health check runs for real in
// healthcheck.test.ts.

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name: string;
  instructions: Instruction[];
}

function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function stages(list: Instruction[]): Stage[] {
  const found: Stage[] = [];
  for (const instruction of list) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name = ''] = instruction.args.split(/\s+/);
      found.push({ image, name: as?.toUpperCase() === 'AS' ? name : '', instructions: [] });
    } else {
      found.at(-1)?.instructions.push(instruction);
    }
  }
  return found;
}

/** Options (`--from=build`), sources and destination of a COPY. */
function copy(args: string) {
  const words = args.split(/\s+/);
  const options = Object.fromEntries(words.filter((word) => word.startsWith('--')).map((word) => word.slice(2).split('=') as [string, string]));
  const paths = words.filter((word) => !word.startsWith('--'));
  return { options, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

/** .dockerignore as Docker applies it: the last pattern that matches a path or one of its parents wins. */
function inContext(path: string, ignore: string): boolean {
  let included = true;
  for (const raw of ignore.split('\n').map((line) => line.trim())) {
    if (raw === '' || raw.startsWith('#')) continue;
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
    if (regex.test(path)) included = negated;
  }
  return included;
}

const dockerfile = read('Dockerfile');
const all = stages(instructions(dockerfile));
const runtime = all.at(-1) as Stage;
const stageNamed = (name: string): Stage => {
  const found = all.find((stage) => stage.name === name);
  if (found === undefined) throw new Error(`no stage ${name}`);
  return found;
};
const runs = (stage: Stage): string[] => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const copies = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'COPY').map((i) => copy(i.args));

t.test('.dockerignore semantics used below', async (t) => {
  const ignore = '*\n!src\n!docker/entrypoint.sh\n# comment\n';
  t.ok(inContext('src/cli.ts', ignore));
  t.ok(inContext('docker/entrypoint.sh', ignore));
  t.notOk(inContext('docker/aws-profile.yml', ignore));
  t.notOk(inContext('node_modules/x/index.js', ignore));
  t.ok(inContext('anything', ''));
});

t.test('multi-stage: pinned images (Node, and Prometheus for its tools), stage names unique, COPY --from earlier stages only', async (t) => {
  t.match(dockerfile.split('\n')[0], /^# syntax=docker\/dockerfile:1/, 'BuildKit syntax (COPY --chmod)');
  t.ok(all.length >= 2, 'several stages');
  const names = all.map((stage) => stage.name);
  t.equal(new Set(names).size, names.length);
  const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
  const minimum = Number(/\d+/.exec(engines)?.[0]);
  for (const stage of all) {
    if (stage.name === 'prometheus-tools') {
      t.match(stage.image, /^prom\/prometheus:v\d+\.\d+\.\d+$/, 'promtool and prometheus from a pinned Prometheus image');
      continue;
    }
    const match = /^node:(\d+)\.\d+\.\d+-[a-z]+-slim$/.exec(stage.image);
    t.ok(match, `${stage.name}: ${stage.image} is a pinned slim Node image`);
    t.ok(Number(match?.[1]) >= minimum, `${stage.name}: Node ${match?.[1]} satisfies engines ${engines}`);
  }
  all.forEach((stage, index) => {
    for (const { options } of copies(stage)) {
      if (options['from'] !== undefined) t.ok(names.slice(0, index).includes(options['from']), `${stage.name}: --from=${options['from']} is an earlier stage`);
    }
  });
});

t.test('every COPY from the build context exists and is in the context', async (t) => {
  const ignore = read('.dockerignore');
  let checked = 0;
  for (const stage of all) {
    for (const { options, sources } of copies(stage)) {
      if (options['from'] !== undefined) continue;
      for (const source of sources) {
        checked++;
        t.ok(existsSync(join(ROOT, source)), `${stage.name}: ${source} exists`);
        t.ok(inContext(source, ignore), `${stage.name}: ${source} is not excluded by .dockerignore`);
      }
    }
  }
  t.ok(checked >= 6);
  for (const left of ['node_modules', 'dist', '.git', 'test/dashboards/dashboards.test.ts', 'grafana/dashboards/bedrock-overview.json', '.env']) {
    t.notOk(inContext(left, ignore), `${left} stays out of the build context`);
  }
});

t.test('the build stage builds as the README says: npm ci runs prepare, which compiles into dist/', async (t) => {
  const build = stageNamed('build');
  t.ok(runs(build).some((command) => /^npm ci(\s|$)/.test(command) && !/--ignore-scripts|--omit/.test(command)), 'plain npm ci (with the dev dependencies and the prepare script)');
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  t.match(pkg.scripts['prepare'], /npm run build/);
  const buildConfig = parse(read('tsconfig.build.json')) as { extends: string; compilerOptions: { outDir: string; rootDir: string } };
  const copied = copies(build).flatMap((c) => c.sources);
  for (const needed of ['package.json', 'package-lock.json', 'tsconfig.build.json', buildConfig.extends.replace(/^\.\//, ''), buildConfig.compilerOptions.rootDir]) {
    t.ok(copied.includes(needed), `the build stage copies ${needed} before npm ci`);
  }
  const fromBuild = copies(runtime).find((c) => c.options['from'] === 'build');
  t.same(fromBuild?.sources, [`/app/${buildConfig.compilerOptions.outDir}`], 'the runtime takes the compiled output');
  const dependencies = all.find((stage) => runs(stage).some((command) => command.includes('--omit=dev')));
  t.ok(runs(dependencies as Stage).some((command) => /^npm ci .*--omit=dev.*--ignore-scripts/.test(command)), 'production dependencies without scripts');
  t.ok(copies(runtime).some((c) => c.options['from'] === dependencies?.name && c.sources[0] === '/app/node_modules'));
});

t.test('the runtime stage: non-root, health check, port, entry point, nothing run', async (t) => {
  const last = (keyword: string): string | undefined => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
  const user = last('USER') ?? 'root';
  t.notMatch(user, /^(root|0)(:|$)/, `USER ${user} is not root`);
  const healthcheck = copies(runtime).find((c) => c.sources.includes('docker/healthcheck.mjs'));
  t.match(last('HEALTHCHECK'), new RegExp(`CMD \\["node", "${healthcheck?.destination}", "9180"\\]`), 'HEALTHCHECK runs the copied docker/healthcheck.mjs (test/stack/healthcheck.test.ts)');
  t.equal(last('EXPOSE'), '9180');
  t.same(runs(runtime), [], 'no RUN in the runtime stage: the image is the copied files only');
  t.ok(copies(runtime).some((c) => c.sources.includes('package.json')), 'package.json beside dist/ ("type": "module" and the version)');
  const entry = JSON.parse(last('ENTRYPOINT') ?? '[]') as string[];
  const script = copies(runtime).find((c) => c.sources.includes('docker/entrypoint.sh'));
  t.same(entry, [script?.destination], 'the entry point is the copied docker/entrypoint.sh');
  t.equal(script?.options['chmod'], '0755', 'executable whatever the checkout did to file modes');
});

t.test('the Dockerfile and docker-compose.yml run the same health check', async (t) => {
  const compose = parse(read('docker-compose.yml')) as { services: { exporter: { healthcheck: { test: string[] } } } };
  const [, ...command] = compose.services.exporter.healthcheck.test;
  const healthcheck = /HEALTHCHECK .*CMD (\[.*\])/.exec(instructions(dockerfile).map((i) => `${i.keyword} ${i.args}`).join('\n'))?.[1];
  t.same(JSON.parse(healthcheck ?? '[]'), command);
});

t.test('the backfill stage: the exporter plus promtool and prometheus, as the Prometheus user', async (t) => {
  const backfill = stageNamed('backfill');
  const last = (keyword: string): string | undefined => backfill.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
  t.ok(copies(backfill).some((c) => c.options['from'] === 'prometheus-tools' && c.sources.includes('/bin/promtool') && c.sources.includes('/bin/prometheus')));
  t.equal(last('USER'), '65534:65534', 'nobody, like the Prometheus image, so the blocks belong to Prometheus');
  t.same(JSON.parse(last('CMD') ?? '[]'), ['backfill-once']);
  t.ok(all.indexOf(backfill) < all.indexOf(runtime), 'the runtime stays the last stage: docker build builds the exporter');
});
