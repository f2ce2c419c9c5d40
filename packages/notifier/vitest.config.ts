import { createVitestConfig } from '@pgmcp/vitest-config';
import { defineConfig } from 'vitest/config';

export default defineConfig(createVitestConfig({ postgres: ['test/**/*.test.ts'] }));
