import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CATALOGUE } from './catalogue.js';
import { stableJson } from './json.js';

/** Where file provisioning reads the dashboards from (mounted into Grafana by docker-compose.yml). */
export const DASHBOARDS_DIR = fileURLToPath(new URL('../grafana/dashboards/', import.meta.url));

/** File name -> the JSON text committed under grafana/dashboards/. */
export function dashboardFiles(): Map<string, string> {
  return new Map(CATALOGUE.map(({ file, build }) => [file, stableJson(build())]));
}

/** Writes every dashboard into `dir` and returns the paths written. */
export async function writeDashboards(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [file, text] of dashboardFiles()) {
    const path = join(dir, file);
    await writeFile(path, text);
    written.push(path);
  }
  return written;
}

/** The command: writes into the folder given as the first argument, grafana/dashboards/ by default. */
export async function run(args: string[], defaultDir = DASHBOARDS_DIR): Promise<string[]> {
  return writeDashboards(args[0] ?? defaultDir);
}

// node --import @tapjs/typescript/import dashboards/generate.ts [DIR]
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const path of await run(process.argv.slice(2))) process.stdout.write(`wrote ${path}\n`);
}
