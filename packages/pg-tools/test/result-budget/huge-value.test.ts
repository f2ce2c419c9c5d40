import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { afterEach, describe, expect, it } from 'vitest';

const db = useTestDatabase('huge-value');
const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('./huge-value-child.ts', import.meta.url));
// Ends the child if the test fails or times out, so it does not keep the database busy.
const stop = new AbortController();
afterEach(() => stop.abort());

interface Step {
  label: string;
  isError: boolean;
  text: string;
  answerBytes: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  ms: number;
}

describe('values of hundreds of megabytes', () => {
  it('answer with a tool error, leave the process alive and small, and the session usable', async () => {
    // A crash (a string over V8's limit thrown in a socket callback) would end the child, not vitest.
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=@pgmcp/source', child, db.url],
      // No compile cache of tsx's in the temp directory.
      {
        cwd: packageDir,
        maxBuffer: 1 << 20,
        signal: stop.signal,
        env: { ...process.env, TSX_DISABLE_CACHE: '1' },
      },
    );
    const steps = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Step);
    console.log(
      steps
        .map((s) => `${s.label}: RSS ${s.rssBeforeMiB} MiB -> ${s.rssAfterMiB} MiB in ${s.ms} ms`)
        .join('\n'),
    );
    const [mb200, mb540, after] = steps;
    for (const step of [mb200, mb540]) {
      expect(step).toMatchObject({ isError: true });
      expect(step!.text).toMatch(
        /^Row 1 of the result is \d+\.\d MiB \(column "big" alone holds .*\), more than the 1\.0 MiB one answer may hold, so pgmcp stopped reading it and cancelled the statement\. Select less of it: e\.g\. left\(big, 1000\) or octet_length\(big\)/,
      );
      // Nothing of the value was buffered or decoded (on main: +2.2 GB for 200 MB, then a crash).
      expect(step!.rssAfterMiB - step!.rssBeforeMiB).toBeLessThan(100);
    }
    expect(mb540!.text).toMatch(/^Row 1 of the result is 515\.0 MiB/);
    expect(after).toMatchObject({ isError: false, text: expect.stringMatching(/^answer\n42\n/m) });
    // PostgreSQL needs seconds to build 740 MB of text, more on a busy machine.
  }, 180_000);
});
