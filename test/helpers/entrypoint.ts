import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { temporaryFolder } from './temporary.js';

// docker/entrypoint.sh run by the machine's POSIX sh, with a stand-in `node` on PATH that prints the
// arguments it was given: which command the container would start, in each situation.

export const ENTRYPOINT = join(import.meta.dirname, '..', '..', 'docker', 'entrypoint.sh');

export interface EntrypointRun {
  status: number | null;
  /** What the stand-in `node` was given, one argument a line. */
  argv: string[];
  /** What the script wrote on stderr. */
  said: string;
}

/** Runs the entry point with `args` in exactly `env` (PATH aside); the stand-in lives as long as `t`. */
export function entrypointRunner(t: Pick<Test, 'teardown'>): (args: string[], env: Record<string, string>) => EntrypointRun {
  const bin = temporaryFolder(t, 'entrypoint-bin-');
  writeFileSync(join(bin, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
  return (args, env) => {
    const result = spawnSync('sh', [ENTRYPOINT, ...args], { env: { ...env, PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
    return { status: result.status, argv: result.stdout.trim().split('\n'), said: result.stderr };
  };
}
