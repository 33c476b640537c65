// Runs the real promtool and amtool (Debian packages prometheus, prometheus-alertmanager) on the
// shipped configuration, rules and rule tests.
import t from 'tap';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const prometheusDir = join(root, 'prometheus');

interface Outcome {
  command: string;
  exitCode: number | string;
  output: string;
}

function run(command: string, args: string[], cwd = root): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // exit status, or a spawn error code such as ENOENT when the binary is not installed
      const exitCode = error === null ? 0 : (error.code ?? 'unknown');
      resolve({ command: [command, ...args].join(' '), exitCode, output: `${stdout}${stderr}` });
    });
  });
}

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.yml')).sort();
}

const ruleFiles = await yamlFiles(join(prometheusDir, 'rules'));
const testFiles = await yamlFiles(join(prometheusDir, 'tests'));

// promtool test rules takes about a minute for all files in sequence: start them all at once.
const ruleTests = new Map(
  testFiles.map((file) => [file, run('promtool', ['test', 'rules', join('prometheus', 'tests', file)])]),
);

t.test('the rule files and their tests are there', async (t) => {
  t.ok(ruleFiles.includes('thresholds.yml'), 'thresholds.yml holds the thresholds');
  t.ok(ruleFiles.length >= 4, `rule files: ${ruleFiles.join(', ')}`);
  t.ok(testFiles.length >= 5, `rule test files: ${testFiles.join(', ')}`);
});

t.test('promtool check config accepts prometheus.yml and loads every rule file', async (t) => {
  const outcome = await run('promtool', ['check', 'config', 'prometheus/prometheus.yml']);
  t.equal(outcome.exitCode, 0, outcome.command, { output: outcome.output });
  t.match(outcome.output, `SUCCESS: ${ruleFiles.length} rule files found`, 'the rule_files glob finds them all');
});

t.test('promtool check rules accepts every rule file', async (t) => {
  const outcome = await run('promtool', ['check', 'rules', ...ruleFiles.map((file) => join('prometheus', 'rules', file))]);
  t.equal(outcome.exitCode, 0, outcome.command, { output: outcome.output });
  t.notMatch(outcome.output, /FAILED/);
});

for (const [file, pending] of ruleTests) {
  t.test(`promtool test rules prometheus/tests/${file}`, async (t) => {
    const outcome = await pending;
    t.equal(outcome.exitCode, 0, outcome.command, { output: outcome.output });
    t.match(outcome.output, /SUCCESS/);
  });
}

t.test('amtool check-config accepts alertmanager.yml', async (t) => {
  const outcome = await run('amtool', ['check-config', 'prometheus/alertmanager.yml']);
  t.equal(outcome.exitCode, 0, outcome.command, { output: outcome.output });
  t.match(outcome.output, /inhibit rules/);
});

// End-to-end tests copy the prometheus/ folder and point it at their own loopback ports.
t.test('a copy of prometheus/ with rewritten targets is still a valid configuration', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bedrock-prometheus-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(prometheusDir, dir, { recursive: true });
  const configPath = join(dir, 'prometheus.yml');
  const original = await readFile(configPath, 'utf8');
  t.match(original, 'exporter:9180', 'scrapes the compose service exporter:9180');
  t.match(original, 'alertmanager:9093', 'alerts the compose service alertmanager:9093');
  const rewritten = original.replaceAll('exporter:9180', '127.0.0.1:19180').replaceAll('alertmanager:9093', '127.0.0.1:19093');
  await writeFile(configPath, rewritten);

  const outcome = await run('promtool', ['check', 'config', 'prometheus.yml'], dir);
  t.equal(outcome.exitCode, 0, outcome.command, { output: outcome.output });
  t.match(outcome.output, `SUCCESS: ${ruleFiles.length} rule files found`);
  t.notMatch(rewritten, /exporter:9180|alertmanager:9093/);
});
