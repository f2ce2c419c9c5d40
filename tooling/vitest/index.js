import { fileURLToPath } from 'node:url';
import { configDefaults } from 'vitest/config';

const CONDITIONS = ['@pgmcp/source'];

/**
 * The vitest config every package uses.
 *
 * @param {object} [options]
 * @param {boolean | string[]} [options.postgres] start a real PostgreSQL for the run (see
 *   ./src/postgres-global-setup.ts); a list of globs starts it only for those files, which run as
 *   their own project, so a run of the other files never starts PostgreSQL
 * @param {'node' | 'jsdom'} [options.environment]
 * @param {string[]} [options.setupFiles]
 * @param {string[]} [options.include]
 * @param {number} [options.testTimeout]
 * @returns {import('vitest/config').ViteUserConfig}
 * @example
 *   export default createVitestConfig({ postgres: true });
 */
export function createVitestConfig(options = {}) {
  const include = options.include ?? ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'];
  const postgresSetup = [fileURLToPath(new URL('./src/postgres-global-setup.ts', import.meta.url))];
  const split = Array.isArray(options.postgres) ? options.postgres : undefined;
  return {
    resolve: { conditions: [...CONDITIONS, 'module', 'browser', 'development|production'] },
    ssr: { resolve: { conditions: [...CONDITIONS, 'module', 'node', 'development|production'] } },
    // vitest runs globalSetup files in its own environment, which does not inherit the above.
    environments: {
      __vitest__: { resolve: { conditions: [...CONDITIONS, 'module', 'node', 'development|production'] } },
    },
    test: {
      environment: options.environment ?? 'node',
      // With projects, each project names its own files (arrays would merge with the root's).
      ...(split ? {} : { include }),
      globalSetup: options.postgres === true ? postgresSetup : [],
      ...(split
        ? {
            projects: [
              {
                extends: true,
                test: { name: 'plain', include, exclude: [...configDefaults.exclude, ...split] },
              },
              { extends: true, test: { name: 'postgres', include: split, globalSetup: postgresSetup } },
            ],
          }
        : {}),
      setupFiles: options.setupFiles ?? [],
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      // expect.poll waits for something to happen, not for it to happen fast: on a loaded 2-core
      // machine vitest's 1 s default fails tests that are right.
      expect: { poll: { timeout: 15_000 } },
      teardownTimeout: 30_000,
      restoreMocks: true,
      // Two cores: keep the file-level parallelism modest so PostgreSQL gets its share.
      maxWorkers: 2,
    },
  };
}
