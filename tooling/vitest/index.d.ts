import type { ViteUserConfig } from 'vitest/config';

/** Options of {@link createVitestConfig}. */
export interface VitestConfigOptions {
  /**
   * Start a real PostgreSQL for the run (the shared harness); a list of globs starts it only for
   * the files they match (their own project), so runs of the other files never start it.
   */
  postgres?: boolean | string[];
  environment?: 'node' | 'jsdom';
  setupFiles?: string[];
  include?: string[];
  testTimeout?: number;
}

/** The vitest config every package uses. */
export function createVitestConfig(options?: VitestConfigOptions): ViteUserConfig;
