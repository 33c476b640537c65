import { spawn, type ChildProcess } from 'node:child_process';

export interface CliResult {
  code: number | null;
  /** The signal that ended the process, if one did. */
  signal: NodeJS.Signals | null;
  /** Killed because it outlived `timeoutMs`. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Sends SIGTERM once the output matches. */
  until?: RegExp;
  /** Sees the output so far after every chunk, and the process, to act on it. */
  onOutput?: (output: string, child: ChildProcess) => void;
  timeoutMs?: number;
  /** Modules to preload in the child, after tap's. */
  imports?: string[];
}

/** Runs src/cli.ts the way the bin runs dist/cli.js, with tap's loader so coverage follows. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const imports = (options.imports ?? []).map((module) => `--import=${module}`);
    const child = spawn(process.execPath, [...process.execArgv, ...imports, 'src/cli.ts', ...args], {
      // Whatever a test does not point elsewhere goes to a closed local port, never to AWS.
      env: { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    let signalled = false;
    const check = () => {
      options.onOutput?.(stdout + stderr, child);
      if (!signalled && options.until?.test(stdout + stderr)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk; check(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; check(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, stderr });
    });
  });
}
