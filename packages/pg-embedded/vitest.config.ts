import { defineConfig } from 'vitest/config';

// This package is the harness's own engine, so its tests start clusters themselves.
export default defineConfig({
  resolve: { conditions: ['@pgmcp/source'] },
  ssr: { resolve: { conditions: ['@pgmcp/source'] } },
  test: { testTimeout: 60_000, hookTimeout: 60_000 },
});
