// The generated manifests (`npm run manifests`) are committed, since `kubectl apply -k` reads the
// repository as it is: each must be what the generator writes from the rule files and dashboards today.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { KUBERNETES, manifests, run } from '../../deploy/kubernetes/generate.js';
import { temporaryFolder } from '../helpers/temporary.js';

const ROOT = join(import.meta.dirname, '..', '..');

t.test('every committed manifest is what `npm run manifests` writes', async (t) => {
  for (const [path, content] of manifests()) t.equal(readFileSync(join(KUBERNETES, path), 'utf8'), content, `${path} is up to date (npm run manifests)`);
});

t.test('the command writes each file under the folder given, deploy/kubernetes by default', async (t) => {
  const dir = temporaryFolder(t, 'manifests-');
  const loader = import.meta.resolve('@tapjs/typescript/import');
  const out = execFileSync(process.execPath, ['--import', loader, join(KUBERNETES, 'generate.ts'), dir], { cwd: ROOT, encoding: 'utf8' });
  const generated = manifests();
  t.equal(out, [...generated.keys()].map((path) => `wrote ${join(dir, path)}\n`).join(''));
  for (const [path, content] of generated) t.equal(readFileSync(join(dir, path), 'utf8'), content, path);
  t.same(run([]), [...generated.keys()].map((path) => join(KUBERNETES, path)), 'without a folder, the committed files (rewritten unchanged)');
});
