import { parseArgs } from 'node:util';
import { child, fail, mapping, readYamlFile, type Parser } from './parse.js';

// Each setting is declared once, with everything a user sees of it: its flag, environment variable,
// file key, type (its parser), default and one line of help. Commands read their settings through
// here, and --help is written from the same declarations. Precedence: flag > environment > file >
// default. Anything unknown is an error that names it.

export interface Setting<T> {
  /**
   * "section.name": the key in the YAML file, the flag --section.name (with '-' for '_') and the
   * variable BEDROCK_EXPORTER_SECTION_NAME. A command's own flag has a bare name and neither.
   */
  key: string;
  parse: Parser<T>;
  /** As a user would write it ('4h'); absent when the setting is unset by default. */
  default?: unknown;
  /** What --help shows as the default when the command works it out when it runs. */
  shownDefault?: string;
  help: string;
  /** When the conventional flag is not the key with '-' for '_' (exporter-toolkit's --web.config.file). */
  flag?: string;
  /** May be given several times; the values collect into a list. */
  repeatable?: boolean;
  /** Given bare on the command line (node_exporter's --web.disable-exporter-metrics). */
  switch?: boolean;
}

export const setting = <T>(declaration: Setting<T>): Setting<T> => declaration;

/** Settings by group (a section of the file, a part of --help), then by the name the program reads. */
export type Groups = Record<string, Record<string, Setting<unknown>>>;

/** The values of `Groups`, typed by their parsers. */
export type Values<G extends Groups> = { -readonly [S in keyof G]: { -readonly [K in keyof G[S]]: G[S][K] extends Setting<infer T> ? T : never } };

const ENV_PREFIX = 'BEDROCK_EXPORTER_';
const isCommandFlag = (setting: Setting<unknown>): boolean => !setting.key.includes('.');
export const flagOf = (setting: Setting<unknown>): string => setting.flag ?? setting.key.replaceAll('_', '-');
export const envOf = (setting: Setting<unknown>): string | undefined => (isCommandFlag(setting) ? undefined : ENV_PREFIX + setting.key.replace('.', '_').toUpperCase());

const settingsOf = (groups: Groups): Array<Setting<unknown>> => Object.values(groups).flatMap((group) => Object.values(group));

export interface ReadOptions {
  env: NodeJS.ProcessEnv;
  /** Defaults that differ for this command or this run (the demo's address, text logs on a terminal), by key. */
  defaults?: Record<string, unknown>;
  /** Every setting the program has: a variable of another command's is left alone, not refused. */
  known?: Groups;
  /** Whether --config.file is taken. */
  configFile?: boolean;
}

export interface CommandLine {
  /** The validated values of `groups`, one of the sets of settings the command line was read for. */
  valuesOf<G extends Groups>(groups: G): Values<G>;
  /** Set when --config.file was given, so check-config can say what it checked. */
  configFile: string | undefined;
  positionals: string[];
  help: boolean;
  version: boolean;
}

/** Flags, environment and YAML file for the settings of `sets`; throws ConfigError on any problem. */
export function readCommandLine(sets: readonly Groups[], argv: string[], options: ReadOptions): CommandLine {
  const settings = sets.flatMap(settingsOf);
  const flagOptions: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = { help: { type: 'boolean' }, version: { type: 'boolean' } };
  if (options.configFile) flagOptions['config.file'] = { type: 'string' };
  for (const setting of settings) flagOptions[flagOf(setting)] = setting.switch ? { type: 'boolean' } : { type: 'string', multiple: setting.repeatable === true };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: flagOptions, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages run over several lines and end in advice that does not apply here.
    return fail('flags', (error as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.? To specify .*$/, ''));
  }
  const flags = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const configFile = flags['config.file'] as string | undefined;
  const fromFile = configFile === undefined ? new Map<string, unknown>() : readConfigFile(configFile, settings);
  const fromEnv = readEnvironment(options.env, settings, options.known ? settingsOf(options.known) : settings);
  const defaults = options.defaults ?? {};

  const valueOf = (setting: Setting<unknown>): unknown => {
    const flag = flags[flagOf(setting)];
    if (flag !== undefined) return setting.parse(flag, `--${flagOf(setting)}`);
    const env = envOf(setting);
    if (env !== undefined && fromEnv.has(env)) return setting.parse(fromEnv.get(env), env);
    if (fromFile.has(setting.key)) return setting.parse(fromFile.get(setting.key), setting.key);
    return setting.parse(setting.key in defaults ? defaults[setting.key] : setting.default, setting.key);
  };
  return {
    valuesOf: <G extends Groups>(groups: G): Values<G> => {
      const values: Record<string, Record<string, unknown>> = {};
      for (const [group, members] of Object.entries(groups)) {
        values[group] = Object.fromEntries(Object.entries(members).map(([name, setting]) => [name, valueOf(setting)]));
      }
      // Each value is what its setting's parser returned, in the shape of `groups`.
      return values as Values<G>;
    },
    configFile,
    positionals: parsed.positionals,
    help: flags.help === true,
    version: flags.version === true,
  };
}

function readConfigFile(file: string, settings: Array<Setting<unknown>>): Map<string, unknown> {
  const document = readYamlFile(file, 'config.file');
  const keys = new Set(settings.filter((setting) => !isCommandFlag(setting)).map((setting) => setting.key));
  const values = new Map<string, unknown>();
  for (const [section, body] of Object.entries(mapping(document, 'config.file'))) {
    // A mapping under an unknown section is named by its first key, which says more than the section.
    const isMapping = typeof body === 'object' && body !== null && !Array.isArray(body);
    if (!isMapping && ![...keys].some((key) => key.startsWith(`${section}.`))) fail(section, 'unknown key');
    for (const [name, value] of Object.entries(mapping(body, section))) {
      const key = child(section, name);
      if (!keys.has(key)) fail(key, 'unknown key');
      values.set(key, value);
    }
  }
  return values;
}

/** The variables of `settings` that are set; a BEDROCK_EXPORTER_ variable no setting of `known` has is refused. */
function readEnvironment(env: NodeJS.ProcessEnv, settings: Array<Setting<unknown>>, known: Array<Setting<unknown>>): Map<string, unknown> {
  const ours = new Set(settings.map(envOf));
  const all = new Set(known.map(envOf));
  const values = new Map<string, unknown>();
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    if (!all.has(name)) fail(name, 'unknown environment variable');
    if (ours.has(name)) values.set(name, value);
  }
  return values;
}

const shownDefault = (setting: Setting<unknown>): string => {
  const shown = setting.shownDefault ?? (Array.isArray(setting.default) ? setting.default.join(',') : setting.default);
  return shown === undefined || shown === '' ? 'unset' : String(shown);
};

const marks = (setting: Setting<unknown>): string => `${setting.repeatable ? ' (repeatable)' : ''}${setting.switch ? ' (a switch)' : ''}`;

/** --help for `groups`, a titled part per group, as Prometheus exporters print theirs. */
export function helpText(groups: Groups, titles: Record<string, string>): string {
  return Object.entries(groups)
    .map(([group, members]) => {
      const lines = Object.values(members).map((setting) => {
        const env = envOf(setting);
        const where = env === undefined ? '' : `\n      ${env}; file key ${setting.key}`;
        return `  --${flagOf(setting)}${marks(setting)}\n      ${setting.help}; default ${shownDefault(setting)}${where}`;
      });
      return `${titles[group] ?? group}:\n${lines.join('\n')}`;
    })
    .join('\n\n');
}

/** The README's table of `groups`, from the same declarations. */
export function markdownTable(groups: Groups): string {
  const rows = settingsOf(groups).map((setting) => {
    // A literal default reads as code; a described one (unset, discovered, now) as words.
    const literal = setting.shownDefault === undefined && shownDefault(setting) !== 'unset';
    return `| \`--${flagOf(setting)}\`${marks(setting)} | ${literal ? `\`${shownDefault(setting)}\`` : shownDefault(setting)} | ${setting.help} |`;
  });
  return ['| flag | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
