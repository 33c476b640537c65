// The README's first command on a fresh clone: `npm ci` builds dist/ through `prepare`, and npx runs the
// package's bin, dist/cli.js, which must be executable (git does not keep the mode of a built file).
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { VERSION } from '../src/version.js';

const root = fileURLToPath(new URL('..', import.meta.url));

t.test('npx bedrock-usage-exporter runs the built bin', async (t) => {
  t.doesNotThrow(() => accessSync(`${root}dist/cli.js`, constants.X_OK), 'dist/cli.js is built and executable (npm ci runs the build)');
  // --no: never fetch anything from the registry; the project's own bin must answer.
  const { stdout } = await promisify(execFile)('npm', ['exec', '--no', '--', 'bedrock-usage-exporter', '--version'], { cwd: root });
  t.match(stdout, new RegExp(`^bedrock-usage-exporter ${VERSION.replaceAll('.', '\\.')} `));
});
