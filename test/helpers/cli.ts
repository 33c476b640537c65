import { spawn } from 'node:child_process';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs src/cli.ts the way the bin runs dist/cli.js, with tap's loader so coverage follows. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; until?: RegExp; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, 'src/cli.ts', ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    let signalled = false;
    const check = () => {
      if (!signalled && options.until?.test(stdout + stderr)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk; check(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; check(); });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
