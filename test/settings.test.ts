// The declaration mechanism itself: what a command that is not the exporter gets from it.
import t from 'tap';
import { SETTINGS } from '../src/config.js';
import { EMULATOR_SETTINGS } from '../src/emulator/cli.js';
import { helpText, readCommandLine } from '../src/settings/command-line.js';

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
