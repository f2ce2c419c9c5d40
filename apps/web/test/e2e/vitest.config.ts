import { fileURLToPath } from 'node:url';
import { createVitestConfig } from '@pgmcp/vitest-config';
import { defineConfig } from 'vitest/config';

// The browser suite: the real server (in this process) with a real PostgreSQL, the built web client
// and Debian's chromium driven by playwright-core. One file at a time: one browser is plenty on 2 cores.
const base = createVitestConfig({ postgres: true, include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000 });
export default defineConfig({
  ...base,
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    ...base.test,
    globalSetup: [
      ...((base.test?.globalSetup as string[] | undefined) ?? []),
      fileURLToPath(new URL('./build-web.ts', import.meta.url)),
    ],
    fileParallelism: false,
    hookTimeout: 180_000,
  },
});
