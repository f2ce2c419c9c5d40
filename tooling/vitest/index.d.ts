import type { ViteUserConfig } from 'vitest/config';

/** Options of {@link createVitestConfig}. */
export interface VitestConfigOptions {
  /** Start a real PostgreSQL for the run (the shared harness). */
  postgres?: boolean;
  environment?: 'node' | 'jsdom';
  setupFiles?: string[];
  include?: string[];
  testTimeout?: number;
}

/** The vitest config every package uses. */
export function createVitestConfig(options?: VitestConfigOptions): ViteUserConfig;
