import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { openMetricsSink, writePeriod, type HistorySource, type SeriesSink } from '../backfill/history.js';
import { differences, readPosition, savePosition, type RemoteWritePosition, type RemoteWriteRun } from '../backfill/remote-write/position.js';
import { RemoteWriteSender } from '../backfill/remote-write/sender.js';
import { RemoteWriteStream } from '../backfill/remote-write/stream.js';
import { dumpSeries, recordedNames } from '../backfill/dump.js';
import { blockSink, blockWindows, checkRules, createBlocksFromRules, requireTool, writeBlock } from '../backfill/blocks.js';
import type { Config } from '../config.js';
import { flagOf, setting, type Groups, type Values } from '../settings/command-line.js';
import { bool, duration, fail, list, optionalPath, optionalText, show, text, textList, type Parser } from '../settings/parse.js';
import { CostExplorerSource, sourceOptions } from '../cost-explorer/client.js';
import { Ledger } from '../cost-explorer/ledger.js';
import { checkLedgerFile, LedgerStore, loadLedger, saveLedger } from '../cost-explorer/ledger-file.js';
import { ConfigError, fileProblem } from '../errors.js';
import { checkWritable, writeFileInChunks, writing } from '../files.js';
import { createLogger } from '../log.js';
import { sourcesFor } from '../sources/index.js';
import { addDays, addMonths, DAY_MS, dayOf, dayStartMs, daysBetween, eachDay, isDay, monthStart, type Day } from '../time.js';
import { usd } from '../web/format.js';

const optionalDay: Parser<Day | undefined> = (raw, name) => {
  const value = optionalText(raw, name);
  if (value !== undefined && !isDay(value)) fail(name, `expected a day like 2026-01-31, got ${JSON.stringify(value)}`);
  return value;
};

const optionalTime: Parser<number | undefined> = (raw, name) => {
  const value = optionalText(raw, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : fail(name, `expected an RFC 3339 time like 2026-11-27T00:00:00Z, got ${JSON.stringify(value)}`);
};

const lookback: Parser<number> = (raw, name) => {
  const ms = duration(60_000)(raw, name);
  // Every day then starts on a sample, as the rules' evaluations do.
  return DAY_MS % ms === 0 && ms % 1000 === 0 ? ms : fail(name, `expected whole seconds that divide a day (1m, 2m, 5m, 10m, ...), got ${show(raw)}`);
};

const remoteWriteUrl: Parser<string | undefined> = (raw, name) => {
  const value = optionalText(raw, name);
  if (value === undefined) return undefined;
  const url = URL.canParse(value) ? new URL(value) : undefined;
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? value : fail(name, `expected the receiver's http(s) URL, like http://prometheus:9090/api/v1/write, got ${show(value)}`);
};

/** "Name: value", once per flag (a value may hold commas). */
const header: Parser<[string, string]> = (raw, name) => {
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(text(raw, name));
  return match ? [match[1]!, match[2]!.trim()] : fail(name, `expected a header like "X-Scope-OrgID: tenant-1", got ${show(raw)}`);
};

/** backfill's own flags, besides the exporter's settings. */
export const BACKFILL_SETTINGS = {
  backfill: {
    from: setting({ key: 'from', parse: optionalDay, shownDefault: 'the oldest day Cost Explorer keeps, 13 months back', help: 'first day to read' }),
    untilMs: setting({ key: 'until', parse: optionalTime, shownDefault: 'now', help: 'end of the history, RFC 3339; set it to when live data starts' }),
    output: setting({ key: 'output', parse: optionalPath, shownDefault: 'bedrock-backfill, or none with --tsdb or --remote-write', help: 'folder for the history as OpenMetrics files, a week each' }),
    tsdb: setting({ key: 'tsdb', parse: optionalPath, help: 'folder for the history as Prometheus blocks, a week each' }),
    rules: setting({ key: 'rules', parse: textList, default: [], repeatable: true, help: 'with --tsdb or --remote-write: recording rules to evaluate over the history, stored as blocks or sent (needs prometheus and promtool)' }),
    rulesFrom: setting({ key: 'rules-from', parse: optionalDay, shownDefault: 'the history\'s first day', help: 'first day the rules are evaluated for (the growth alerts need about 3 weeks); a large organization\'s rules take minutes per day' }),
    lookbackMs: setting({ key: 'lookback-delta', parse: lookback, default: '5m', help: 'the --query.lookback-delta of the Prometheus that reads the history; samples are this far apart' }),
    job: setting({ key: 'job', parse: text, default: 'bedrock-usage-exporter', help: 'the job label the live scrape adds (the shipped rules and dashboards select this job)' }),
    instance: setting({ key: 'instance', parse: text, default: 'exporter:9180', help: 'the instance label the live scrape adds (the compose file\'s exporter)' }),
    dryRun: setting({ key: 'dry-run', parse: bool, default: false, switch: true, help: 'print the plan and what it will cost, then stop' }),
  },
  remoteWrite: {
    url: setting({ key: 'remote-write', parse: remoteWriteUrl, help: 'send the history to this remote-write receiver (Prometheus, Mimir, Thanos Receive, VictoriaMetrics)' }),
    headers: setting({ key: 'remote-write-header', flag: 'remote-write.header', parse: list(header), default: [], repeatable: true, help: 'a header for every request, "Name: value" (a tenant: "X-Scope-OrgID: team-a")' }),
    bearerTokenFile: setting({ key: 'remote-write-bearer-token-file', flag: 'remote-write.bearer-token-file', parse: optionalPath, help: 'a file holding the token sent as "Authorization: Bearer"' }),
    username: setting({ key: 'remote-write-basic-auth-username', flag: 'remote-write.basic-auth-username', parse: optionalText, help: 'basic authentication: the user name' }),
    passwordFile: setting({ key: 'remote-write-basic-auth-password-file', flag: 'remote-write.basic-auth-password-file', parse: optionalPath, help: 'basic authentication: a file holding the password' }),
    positionFile: setting({ key: 'remote-write-position', flag: 'remote-write.position', parse: optionalPath, default: 'bedrock-remote-write.json', help: 'where the requests accepted so far are kept, so a backfill run again goes on from there' }),
  },
} satisfies Groups;

export type BackfillFlags = Values<typeof BACKFILL_SETTINGS>;

export interface BackfillOptions {
  from: Day;
  untilMs: number;
  /** Where the OpenMetrics files go; none with --tsdb alone. */
  output: string | undefined;
  tsdb: string | undefined;
  rules: string[];
  /** The first day the rules are evaluated for. */
  rulesFrom: Day;
  lookbackMs: number;
  job: string;
  instance: string;
  dryRun: boolean;
  remoteWrite: RemoteWriteOptions | undefined;
}

export interface RemoteWriteOptions {
  url: string;
  headers: Array<[string, string]>;
  bearerTokenFile: string | undefined;
  username: string | undefined;
  passwordFile: string | undefined;
  positionFile: string;
}

/** Cost Explorer keeps 13 months before the current one. */
export const earliestDay = (today: Day): Day => addMonths(monthStart(today), -13);

/** The flags checked against each other and against the clock. */
export function backfillOptions({ backfill: flags, remoteWrite }: BackfillFlags, now: Date): BackfillOptions {
  const flag = (name: keyof BackfillFlags['backfill']): string => `--${flagOf(BACKFILL_SETTINGS.backfill[name])}`;
  const remoteFlag = (name: keyof BackfillFlags['remoteWrite']): string => `--${flagOf(BACKFILL_SETTINGS.remoteWrite[name])}`;
  const today = dayOf(now);
  const from = flags.from ?? earliestDay(today);
  if (from < earliestDay(today)) throw new ConfigError(`${flag('from')}: Cost Explorer keeps 13 months; the earliest day is ${earliestDay(today)}`);
  const untilMs = flags.untilMs ?? now.getTime();
  if (untilMs > now.getTime()) throw new ConfigError(`${flag('untilMs')}: must not be in the future`);
  if (untilMs <= dayStartMs(addDays(from, 1))) throw new ConfigError(`${flag('untilMs')}: must be after ${addDays(from, 1)} (the first day with a complete previous day)`);
  if (flags.rules.length > 0 && flags.tsdb === undefined && remoteWrite.url === undefined) throw new ConfigError(`${flag('rules')}: needs ${flag('tsdb')} or ${remoteFlag('url')} (the rules are evaluated over the history's blocks)`);
  const rulesFrom = flags.rulesFrom ?? addDays(from, 1);
  if (rulesFrom <= from || dayStartMs(rulesFrom) >= untilMs) throw new ConfigError(`${flag('rulesFrom')}: must be after ${flag('from')} (${from}) and before ${flag('untilMs')}`);
  const { url, positionFile, ...receiver } = remoteWrite;
  const given = (Object.keys(receiver) as Array<keyof typeof receiver>).find((name) => [receiver[name] ?? []].flat().length > 0);
  if (url === undefined && given !== undefined) throw new ConfigError(`${remoteFlag(given)}: needs ${remoteFlag('url')} (the receiver it is for)`);
  if (receiver.bearerTokenFile !== undefined && (receiver.username ?? receiver.passwordFile) !== undefined) throw new ConfigError(`${remoteFlag('bearerTokenFile')}: give a token or basic authentication, not both`);
  if ((receiver.username === undefined) !== (receiver.passwordFile === undefined)) throw new ConfigError(`${remoteFlag('username')} and ${remoteFlag('passwordFile')}: basic authentication needs both`);
  return {
    ...flags,
    from,
    rulesFrom,
    untilMs: untilMs - (untilMs % flags.lookbackMs),
    output: flags.output ?? (flags.tsdb === undefined && url === undefined ? 'bedrock-backfill' : undefined),
    remoteWrite: url === undefined ? undefined : { url, positionFile: positionFile!, ...receiver },
  };
}

/** Everything backfill will write to and run, checked before it pays for a request. */
async function checkPrerequisites(options: BackfillOptions, ledgerFile: string | undefined): Promise<void> {
  await checkLedgerFile(ledgerFile);
  if (options.output !== undefined) await checkWritable('the output folder', options.output, 'folder');
  if (options.tsdb !== undefined) await checkWritable('the TSDB folder', options.tsdb, 'folder');
  if (options.remoteWrite !== undefined) await checkWritable('the remote-write position file', options.remoteWrite.positionFile, 'file');
  if (options.rules.length > 0) {
    await requireTool('prometheus');
    await requireTool('promtool');
    await checkRules(options.rules);
  }
}

/** Saves the position; a file it cannot write is a FileError (exit 6), as for backfill's other files. */
const keepPosition = (file: string, position: RemoteWritePosition): Promise<void> => writing('the remote-write position file', file, savePosition(file, position));

/** The history's requests to the receiver, after those a previous run had sent; the position saved after each. */
function remoteWriteStream(run: RemoteWriteRun, headers: Record<string, string>, positionFile: string, saved: RemoteWritePosition | undefined, io: BackfillIo, overrides: BackfillOverrides): RemoteWriteStream {
  const minBackoffMs = overrides.remoteWriteBackoffMs ?? 1000;
  const sender = new RemoteWriteSender({
    url: run.url,
    headers,
    attempts: 8,
    minBackoffMs,
    maxBackoffMs: 30 * minBackoffMs,
    timeoutMs: 60_000,
    signal: overrides.signal,
    onRetry: (attempt, why, pauseMs) => io.stderr.write(`remote write: attempt ${attempt} failed (${why}); trying again in ${pauseMs / 1000} s\n`),
  });
  return new RemoteWriteStream({
    send: (body) => sender.send(body),
    lookbackMs: run.lookbackMs,
    batchSamples: REMOTE_WRITE_BATCH_SAMPLES,
    sent: { requests: saved?.requests ?? 0, digest: saved?.digest ?? '' },
    onAccepted: (requests, digest) => keepPosition(positionFile, { ...run, requests, digest, done: false }),
  });
}

/** A secret from a file, its surrounding white space left out. */
async function secret(flag: keyof BackfillFlags['remoteWrite'], file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw new ConfigError(`--${flagOf(BACKFILL_SETTINGS.remoteWrite[flag])}: cannot read ${JSON.stringify(file)}: ${fileProblem(error as NodeJS.ErrnoException)}`, { cause: error });
  }
}

/** The headers of every request: the user's, and the receiver's authentication. */
async function receiverHeaders({ headers, bearerTokenFile, username, passwordFile }: RemoteWriteOptions): Promise<Record<string, string>> {
  const all = Object.fromEntries(headers);
  if (bearerTokenFile !== undefined) all.Authorization = `Bearer ${await secret('bearerTokenFile', bearerTokenFile)}`;
  if (username !== undefined && passwordFile !== undefined) all.Authorization = `Basic ${Buffer.from(`${username}:${await secret('passwordFile', passwordFile)}`).toString('base64')}`;
  return all;
}

/**
 * The options, and the remote-write position this run goes on from: with --from and --until left to
 * their defaults, the saved ones; a position of a backfill with other settings is refused.
 */
async function resumed(flags: BackfillFlags, now: Date): Promise<{ options: BackfillOptions; saved: RemoteWritePosition | undefined; run: RemoteWriteRun | undefined }> {
  const saved = flags.remoteWrite.url === undefined ? undefined : await readPosition(flags.remoteWrite.positionFile!);
  const options = backfillOptions(resumedFlags(flags, saved), now);
  const remote = options.remoteWrite;
  const run = remote && { url: remote.url, job: options.job, instance: options.instance, from: options.from, untilMs: options.untilMs, lookbackMs: options.lookbackMs };
  const changed = run && saved ? differences(saved, run) : [];
  if (changed.length > 0) throw new ConfigError(`${remote!.positionFile} holds the position of another backfill (${changed.join('; ')}): give the same settings to go on, or remove it to send the whole history`);
  return { options, saved, run };
}

/**
 * The flags with the history of the saved remote-write position where they leave --from and --until to
 * their defaults (which move with the clock), so that a backfill run again later goes on with the same
 * requests.
 */
function resumedFlags(flags: BackfillFlags, saved: RemoteWritePosition | undefined): BackfillFlags {
  if (saved === undefined) return flags;
  return { ...flags, backfill: { ...flags.backfill, from: flags.backfill.from ?? saved.from, untilMs: flags.backfill.untilMs ?? saved.untilMs } };
}

export interface BackfillIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export interface BackfillOverrides {
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  clock?: () => Date;
  /** Aborted by SIGINT or SIGTERM: the programs it runs are stopped, and it rejects with the reason. */
  signal?: AbortSignal;
  /** The first pause before a remote-write request is tried again (1 s; tests shorten it). */
  remoteWriteBackoffMs?: number;
}

// A request of at most this many samples (about 150 kB before compression): well within what
// Prometheus, Mimir, Thanos Receive and VictoriaMetrics take, and few requests for a long history.
const REMOTE_WRITE_BATCH_SAMPLES = 10_000;

/**
 * History from Cost Explorer as the exporter would have served it: reads with the exporter's query
 * plan and ledger, and writes it a week at a time as OpenMetrics files, TSDB blocks or remote-write
 * requests, with the recording rules evaluated over it on request.
 */
export async function runBackfill(config: Config, flags: BackfillFlags, io: BackfillIo, overrides: BackfillOverrides = {}): Promise<number> {
  try {
    return await backfill(config, flags, io, overrides);
  } catch (error) {
    // Whatever an abort broke (a killed temporary Prometheus, a cancelled query) failed because of the signal.
    throw overrides.signal?.aborted ? overrides.signal.reason : error;
  }
}

async function backfill(config: Config, flags: BackfillFlags, io: BackfillIo, overrides: BackfillOverrides): Promise<number> {
  const signal = overrides.signal;
  const now = (overrides.clock ?? (() => new Date()))();
  const { options, saved, run } = await resumed(flags, now);
  const remote = options.remoteWrite;
  if (saved?.done && options.output === undefined && options.tsdb === undefined) {
    io.stdout.write(`the history was sent to ${saved.url} already (${remote!.positionFile}); remove that file to send it again\n`);
    return 0;
  }
  await checkPrerequisites(options, config.ledger.file);
  const headers = remote && (await receiverHeaders(remote));
  const sentBefore = saved?.requests ?? 0;
  // Sent to a receiver, the rules' history is computed over blocks in a temporary folder unless --tsdb keeps them.
  const temporaryTsdb = options.tsdb === undefined && remote && options.rules.length > 0 ? await mkdtemp(join(tmpdir(), 'bue-backfill-tsdb-')) : undefined;
  const tsdb = options.tsdb ?? temporaryTsdb;
  const today = dayOf(now);
  const lastDay = dayOf(options.untilMs - 1);
  const dataEnd = addDays(lastDay, 1);
  let requests = 0;
  let spentUsd = 0;
  const client = new CostExplorerSource(sourceOptions(config, ({ outcome, costUsd }) => {
    if (outcome === 'success') requests += 1;
    spentUsd += costUsd;
  }, overrides));
  try {
    const ledger = new Ledger(daysBetween(options.from, dataEnd) + 1);
    if (config.ledger.file) {
      const restored = await loadLedger(config.ledger.file, ledger).catch(() => 0);
      if (restored > 0) io.stderr.write(`reusing ${restored} settled days from ${config.ledger.file}\n`);
    }
    // Only warnings (unrecognized usage types) reach the log; progress goes to stderr as plain lines.
    const stderr = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        io.stderr.write(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'warn', format: 'text', destination: stderr });
    const range = { start: options.from, end: dataEnd };
    const sources: HistorySource[] = [];
    for (const source of sourcesFor(config, { client, store: new LedgerStore(ledger, undefined, logger), logger })) {
      if (source.history) sources.push({ name: source.name, plan: await source.history.plan(range, { today }) });
    }
    const reads = sources.flatMap((source) => source.plan.reads);
    const services = [...new Set(sources.flatMap((source) => source.plan.services))];
    io.stdout.write(
      `backfill ${options.from} .. ${lastDay} (${daysBetween(options.from, dataEnd)} days) from ${services.length} Bedrock services: ${sources.map((source) => source.plan.description).filter(Boolean).join('; ') || 'nothing to read'}\n` +
        `cost: ${requests} request(s) so far; at least ${reads.length} more (${usd(reads.reduce((sum, read) => sum + read.priceUsd, 0))}), one more per extra page of an answer\n` +
        (remote ? `remote write to ${remote.url}${saved?.done ? ': sent already' : saved ? `: going on after the ${saved.requests} requests it accepted` : ''}\n` : ''),
    );
    if (options.dryRun) return 0;
    const stream = run && headers && !saved?.done ? remoteWriteStream(run, headers, remote!.positionFile, saved, io, overrides) : undefined;

    if (options.output) await writing('the output folder', options.output, mkdir(options.output, { recursive: true }));
    const history = { lookbackMs: options.lookbackMs, job: options.job, instance: options.instance };
    // Week by week, each read just before the first week that needs its days, and the days no later
    // week looks at forgotten: memory holds about two months of Cost Explorer's answers, however long
    // the history.
    const pending = [...reads].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let done = 0;
    let samples = 0;
    try {
      for (const window of blockWindows(dayStartMs(addDays(options.from, 1)), options.untilMs)) {
        const first = dayOf(window.startMs);
        const last = dayOf(window.endMs - 1);
        const later = pending.findIndex((read) => read.start > last);
        const due = pending.splice(0, later === -1 ? pending.length : later);
        for (const read of due) {
          const rows = await read.run(signal);
          done += 1;
          io.stderr.write(`[${done}/${reads.length}] ${read.label} ${read.start}..${read.end}: ${rows} rows\n`);
        }
        signal?.throwIfAborted();
        const days = eachDay(first, addDays(last, 1));
        // A week is one block and, with --output, one OpenMetrics file; both come from one pass.
        const write = async (sinks: SeriesSink[]): Promise<number> => {
          if (options.output === undefined) return writePeriod(days, sources, history, sinks, window);
          const file = join(options.output, `bedrock-${first}.om`);
          return writing('a backfill file', file, writeFileInChunks(file, (chunk) => writePeriod(days, sources, history, [...sinks, openMetricsSink(chunk)], window)));
        };
        const sent = stream ? [stream.week(window)] : [];
        samples += tsdb ? await writing('the TSDB folder', tsdb, writeBlock(tsdb, (block) => write([...sent, blockSink(block)]))) : await write(sent);
        io.stderr.write(`history ${first}..${last} written${options.tsdb ? ' as a block' : ''}${stream ? `, ${stream.requests} requests sent` : ''}\n`);
        for (const source of sources) source.plan.forgetBefore(addDays(last, 1));
      }
    } finally {
      // The days paid for are kept (those the exporter will look at), whether the run ended or was stopped.
      if (config.ledger.file && done > 0) await writing('the ledger file', config.ledger.file, saveLedger(config.ledger.file, ledger));
    }
    stream?.close();
    io.stderr.write(`${samples} samples${options.output ? ` in ${options.output}` : ''}${options.tsdb ? `, stored as blocks in ${options.tsdb}` : ''}${stream ? `, sent to ${run!.url} (${stream.samples} with the staleness markers, in ${stream.requests - sentBefore} requests so far)` : ''}\n`);
    if (tsdb && options.rules.length > 0) {
      io.stderr.write(`evaluating recording rules over the history from ${options.rulesFrom} (${options.rules.join(', ')})\n`);
      await createBlocksFromRules(tsdb, options.rules, dayStartMs(options.rulesFrom), options.untilMs, {
        lookbackMs: options.lookbackMs,
        signal,
        onLevel: (level, levels) => io.stderr.write(`recording rules: level ${level} of ${levels} stored as blocks\n`),
      });
      if (stream) {
        // A ruler in the store evaluates from now on only: the rules' history goes with the rest.
        const names = await recordedNames(options.rules);
        for (const window of blockWindows(dayStartMs(options.rulesFrom), options.untilMs)) {
          const week = stream.week(window);
          await dumpSeries(tsdb, names, window, week, { signal });
          await week.end();
        }
        io.stderr.write(`recording rules' history sent, ${stream.requests - sentBefore} requests in all\n`);
      }
    }
    if (stream) await keepPosition(remote!.positionFile, { ...run!, requests: stream.requests, digest: stream.digest, done: true });
    io.stdout.write(`done: ${requests} Cost Explorer requests (${usd(spentUsd)}); history until ${new Date(options.untilMs).toISOString()}\n`);
    return 0;
  } finally {
    client.destroy();
    if (temporaryTsdb) await rm(temporaryTsdb, { recursive: true, force: true });
  }
}
