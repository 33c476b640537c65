// The copies of the rule files and dashboards (`npm run copies`) are committed, since `kubectl apply -k`
// and jsonnet-bundler read the repository as it is: each must be what the command writes today.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { copies, run } from '../scripts/copies.js';
import { temporaryFolder } from './helpers/temporary.js';

const ROOT = join(import.meta.dirname, '..');

t.test('every committed copy is what `npm run copies` writes, and no other file is left among them', async (t) => {
  const generated = copies();
  for (const [path, content] of generated) t.equal(readFileSync(join(ROOT, path), 'utf8'), content, `${path} is up to date (npm run copies)`);
  const dashboards = readdirSync(join(ROOT, 'mixin', 'copies', 'dashboards')).map((file) => `mixin/copies/dashboards/${file}`);
  t.same(dashboards.filter((path) => !generated.has(path)), [], 'no copy of a dashboard that is gone');
});

t.test('the command writes each copy under the folder given, the repository by default', async (t) => {
  const dir = temporaryFolder(t, 'copies-');
  const loader = import.meta.resolve('@tapjs/typescript/import');
  const out = execFileSync(process.execPath, ['--import', loader, join(ROOT, 'scripts', 'copies.ts'), dir], { cwd: ROOT, encoding: 'utf8' });
  const generated = copies();
  t.equal(out, [...generated.keys()].map((path) => `wrote ${join(dir, path)}\n`).join(''));
  for (const [path, content] of generated) t.equal(readFileSync(join(dir, path), 'utf8'), content, path);
  t.same(run([]), [...generated.keys()].map((path) => join(ROOT, path)), 'without a folder, the committed files (rewritten unchanged)');
});
