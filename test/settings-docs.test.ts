// The README's tables of flags are written from the same declarations as --help: a setting added,
// renamed or given a new default shows up here until the README says the same.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { BACKFILL_SETTINGS } from '../src/commands/backfill.js';
import { SETTINGS } from '../src/config.js';
import { EMULATOR_SETTINGS } from '../src/emulator/cli.js';
import { markdownTable } from '../src/settings/command-line.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

for (const [what, groups] of [['the exporter', SETTINGS], ['backfill', BACKFILL_SETTINGS], ['the emulator', { emulator: EMULATOR_SETTINGS.emulator }]] as const) {
  t.test(`the README's table of ${what}'s flags`, async (t) => {
    const table = markdownTable(groups);
    t.ok(readme.includes(`\n${table}\n`), `the README should hold, as it is:\n${table}`);
  });
}
