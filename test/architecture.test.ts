// The layers of src/ import one way (billing <- aws <- API clients <- metrics <- sources <- pipeline <- web
// and commands), so a source can be added without the loop or the HTTP layer knowing, and benchmarks
// stand on the product, not on the tests.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS: Array<[layer: string, prefixes: string[]]> = [
  ['foundation', ['src/errors.ts', 'src/files.ts', 'src/settings/', 'src/time.ts', 'src/pacer.ts', 'src/version.ts', 'src/config.ts', 'src/log.ts']],
  ['billing', ['src/billing/']],
  ['aws', ['src/aws/']],
  ['api-clients', ['src/cost-explorer/', 'src/cloudwatch/', 'src/bedrock/', 'src/service-quotas/', 'src/pricing/']],
  ['metrics', ['src/metrics/']],
  ['sources', ['src/sources/']],
  ['pipeline', ['src/pipeline/']],
  ['edges', ['src/web/', 'src/server.ts', 'src/commands/', 'src/backfill/', 'src/emulator/', 'src/main.ts', 'src/cli.ts']],
];

const filesUnder = (folder: string): string[] =>
  readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));

/** Relative imports of a file, as paths from the root (`.js` specifiers name the `.ts` source). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
}

const rank = (file: string): number => LAYERS.findIndex(([, prefixes]) => prefixes.some((prefix) => file === prefix || (prefix.endsWith('/') && file.startsWith(prefix))));

t.test('every source file belongs to a layer', async (t) => {
  t.same(filesUnder('src').filter((file) => rank(file) < 0), []);
});

t.test('imports in src/ never reach up a layer', async (t) => {
  const upward = filesUnder('src').flatMap((file) =>
    importsOf(file).filter((target) => rank(target) > rank(file)).map((target) => `${file} (${LAYERS[rank(file)]![0]}) imports ${target} (${LAYERS[rank(target)]![0]})`),
  );
  t.same(upward, []);
});

t.test('src/ and bench/ never import from test/', async (t) => {
  const intoTests = [...filesUnder('src'), ...filesUnder('bench')].flatMap((file) => importsOf(file).filter((target) => target.startsWith('test/')).map((target) => `${file} imports ${target}`));
  t.same(intoTests, []);
});

t.test('the check sees imports', async (t) => {
  t.ok(importsOf('src/pipeline/collector.ts').includes('src/metrics/health.ts'));
  t.ok(rank('src/pipeline/collector.ts') > rank('src/metrics/health.ts'));
});
