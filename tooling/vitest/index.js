import { fileURLToPath } from 'node:url';

const CONDITIONS = ['@pgmcp/source'];

/**
 * The vitest config every package uses.
 *
 * @param {object} [options]
 * @param {boolean} [options.postgres] start a real PostgreSQL for the run (see ./src/postgres-global-setup.ts)
 * @param {'node' | 'jsdom'} [options.environment]
 * @param {string[]} [options.setupFiles]
 * @param {string[]} [options.include]
 * @param {number} [options.testTimeout]
 * @returns {import('vitest/config').ViteUserConfig}
 * @example
 *   export default createVitestConfig({ postgres: true });
 */
export function createVitestConfig(options = {}) {
  return {
    resolve: { conditions: [...CONDITIONS, 'module', 'browser', 'development|production'] },
    ssr: { resolve: { conditions: [...CONDITIONS, 'module', 'node', 'development|production'] } },
    // vitest runs globalSetup files in its own environment, which does not inherit the above.
    environments: {
      __vitest__: { resolve: { conditions: [...CONDITIONS, 'module', 'node', 'development|production'] } },
    },
    test: {
      environment: options.environment ?? 'node',
      include: options.include ?? ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
      globalSetup: options.postgres
        ? [fileURLToPath(new URL('./src/postgres-global-setup.ts', import.meta.url))]
        : [],
      setupFiles: options.setupFiles ?? [],
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      teardownTimeout: 30_000,
      restoreMocks: true,
      // Two cores: keep the file-level parallelism modest so PostgreSQL gets its share.
      maxWorkers: 2,
    },
  };
}
