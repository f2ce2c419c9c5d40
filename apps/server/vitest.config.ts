import { createVitestConfig } from '@pgmcp/vitest-config';
import { defineConfig } from 'vitest/config';

// Only the suites under test/postgres need PostgreSQL; the HTTP edge, REST, LLM proxy and static
// files run on a `:memory:`-capable store and a connection that points nowhere.
export default defineConfig(createVitestConfig({ postgres: ['test/postgres/**/*.test.ts'] }));
