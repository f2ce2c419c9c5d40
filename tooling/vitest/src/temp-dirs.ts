import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

// Each test file imports its own copy of this module: its directories go when the file is done,
// whether its tests passed or not.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A new temporary directory (`$TMPDIR/<prefix>XXXXXX`) that is removed after the calling test file,
 * failures included.
 *
 * @example
 *   const cwd = makeTempDir('pgmcp-admin-');
 */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
