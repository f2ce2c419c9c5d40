import { readFileSync } from 'node:fs';

/** pgmcp's version, from this package's package.json (src/ and dist/ sit one level below it). */
export const PGMCP_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
