// The declaration mechanism itself: what a command that is not the exporter gets from it.
import t from 'tap';
import { SETTINGS } from '../src/config.js';
import { EMULATOR_SETTINGS } from '../src/emulator/cli.js';
import { helpText, readCommandLine } from '../src/settings/command-line.js';
import { inFile, list, mapping, optional, section, textList, wholeNumber } from '../src/settings/parse.js';

t.test('a variable of another command is left alone; one no command has is refused', async (t) => {
  const read = (env: NodeJS.ProcessEnv) => readCommandLine([EMULATOR_SETTINGS], [], { env, known: SETTINGS }).valuesOf(EMULATOR_SETTINGS);
  t.equal(read({ BEDROCK_EXPORTER_REFRESH_INTERVAL: 'not even a duration' }).emulator.listen, '127.0.0.1:4510');
  t.equal(read({ BEDROCK_EXPORTER_LOG_LEVEL: 'debug' }).log.level, 'debug', 'the emulator logs with the exporter\'s log settings');
  t.throws(() => read({ BEDROCK_EXPORTER_NOPE: '1' }), { message: 'BEDROCK_EXPORTER_NOPE: unknown environment variable' });
});

t.test('a command\'s own flags have no variable or file key, and --config.file is the exporter\'s', async (t) => {
  t.notMatch(helpText(EMULATOR_SETTINGS, {}), /BEDROCK_EXPORTER_(?!LOG)/);
  t.throws(() => readCommandLine([EMULATOR_SETTINGS], ['--config.file=x.yml'], { env: {} }), { message: /^flags: Unknown option '--config.file'/ });
});

t.test('a file\'s problems start with the setting that named the file; anything else passes through', async (t) => {
  t.throws(() => inFile('web.config.file', () => section(['a'])({ b: 1 }, 'top')), { message: 'web.config.file: top.b: unknown key' });
  t.throws(() => inFile('web.config.file', () => mapping('x', 'top')), { message: 'web.config.file: top: expected a mapping, got "x"' });
  const bug = new TypeError('not ours');
  t.throws(() => inFile('web.config.file', () => { throw bug; }), bug);
  t.equal(inFile('config.file', () => 7), 7);
});

t.test('YAML lists and optional values', async (t) => {
  t.same(list(wholeNumber(1))(null, 'sizes'), []);
  t.same(list(wholeNumber(1))([1, '2'], 'sizes'), [1, 2]);
  t.throws(() => list(wholeNumber(1))([1, 0], 'sizes'), { message: 'sizes[1]: expected a whole number >= 1, got 0' });
  t.throws(() => list(wholeNumber(1))('1,2', 'sizes'), { message: 'sizes: expected a list, got "1,2"' });
  t.same(textList('a, b,', 'names'), ['a', 'b'], 'a flag or variable gives a list comma-separated');
  for (const unset of [undefined, null, '']) t.equal(optional(wholeNumber(1))(unset, 'size'), undefined);
});
