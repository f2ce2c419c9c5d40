import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HealthSchema } from '@pgmcp/api-contract';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { afterAll, expect, it } from 'vitest';
import { NO_DATABASE_URL } from './helpers.js';

// Security issue 11 §1: an error thrown where nobody catches it ended the process for every user.
// `pgmcp serve` now logs it, keeps serving, and /health says so.

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const cwd = makeTempDir('pgmcp-faults-');
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});

it('survives an uncaught exception and an unhandled rejection, and /health tells the truth', async () => {
  child = spawn(
    process.execPath,
    [
      tsx,
      '--conditions=@pgmcp/source',
      path.join(import.meta.dirname, 'fixtures/faulty-server.ts'),
      cwd,
      NO_DATABASE_URL,
    ],
    // No compile cache of tsx's in the temp directory.
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TSX_DISABLE_CACHE: '1' } },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child!.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  const health = HealthSchema.parse(await (await fetch(`${url}/health`)).json());
  expect(health.status).toBe('degraded');
  expect(health.uncaught_errors).toMatchObject({ count: 2, last_at: expect.any(String) });
  // Still serving.
  expect((await fetch(`${url}/api/v1/auth/me`)).status).toBe(200);
  expect(child.exitCode).toBeNull();
});
