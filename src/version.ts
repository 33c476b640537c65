import { readFileSync } from 'node:fs';

// What package.json says of the project. src/ and dist/ both sit one level below it.
const about = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string; bugs: { url: string } };

export const VERSION: string = about.version;
/** Where a person reports a bug or a usage type the exporter does not know. */
export const ISSUES_URL: string = about.bugs.url;
