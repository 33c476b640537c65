import { readFile, rename, writeFile } from 'node:fs/promises';
import { ConfigError, fileProblem } from '../../errors.js';
import { isDay, type Day } from '../../time.js';

// How far a remote-write backfill got: the requests the receiver accepted, in the order this backfill
// makes them, so that a backfill run again after an interruption sends each sample once. The requests
// are the same only for the same history, hence the backfill's own settings beside the count.

/** What makes the requests of a backfill what they are. */
export interface RemoteWriteRun {
  url: string;
  job: string;
  instance: string;
  from: Day;
  untilMs: number;
  lookbackMs: number;
}

export interface RemoteWritePosition extends RemoteWriteRun {
  /** Requests the receiver accepted, from the first. */
  requests: number;
  /** The SHA-256 of the last of them ('' before the first). */
  digest: string;
  /** Every request was accepted. */
  done: boolean;
}

const isPosition = (value: unknown): value is RemoteWritePosition => {
  const p = value as Partial<RemoteWritePosition> | null;
  return (
    typeof p?.url === 'string' && typeof p.job === 'string' && typeof p.instance === 'string' && typeof p.from === 'string' && isDay(p.from) &&
    Number.isInteger(p.untilMs) && Number.isInteger(p.lookbackMs) && Number.isInteger(p.requests) && p.requests! >= 0 && typeof p.digest === 'string' && typeof p.done === 'boolean'
  );
};

/** The position saved in `file`, or undefined when there is none; ConfigError when it is not one. */
export async function readPosition(file: string): Promise<RemoteWritePosition | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the remote-write position ${JSON.stringify(file)}: ${fileProblem(error as NodeJS.ErrnoException)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isPosition(parsed)) throw new ConfigError(`${file} is not a remote-write position this backfill wrote; remove it to send the whole history`);
  return parsed;
}

/** Saves the position whole or not at all (a new file renamed over the old one). */
export async function savePosition(file: string, position: RemoteWritePosition): Promise<void> {
  const next = `${file}.next`;
  await writeFile(next, `${JSON.stringify(position, null, 2)}\n`);
  await rename(next, file);
}

/** A run's settings as the flags that give them. */
const described = (run: RemoteWriteRun): Record<string, string> => ({
  'remote-write': run.url,
  job: run.job,
  instance: run.instance,
  from: run.from,
  until: new Date(run.untilMs).toISOString(),
  'lookback-delta': `${run.lookbackMs / 1000}s`,
});

/** The settings that differ between a saved position and this run, as "flag: saved, now this". */
export function differences(saved: RemoteWriteRun, run: RemoteWriteRun): string[] {
  const [before, now] = [described(saved), described(run)];
  return Object.keys(now).filter((flag) => before[flag] !== now[flag]).map((flag) => `${flag}: ${before[flag]}, now ${now[flag]}`);
}
