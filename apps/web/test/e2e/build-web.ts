import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** Builds apps/web when dist is missing or older than its sources (or its packages'), so the suite tests this code. */
export async function setup(): Promise<void> {
  let built = 0;
  try {
    built = statSync(path.join(root, 'dist', 'index.html')).mtimeMs;
  } catch {
    built = 0;
  }
  const sources = Math.max(
    newest(path.join(root, 'src')),
    statSync(path.join(root, 'index.html')).mtimeMs,
    ...['agent', 'api-contract', 'compactor'].map((name) =>
      newest(path.join(root, '..', '..', 'packages', name, 'src')),
    ),
  );
  if (built > sources) return;
  // vitest runs with NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root,
      mode: 'production',
      logLevel: 'warn',
      configFile: path.join(root, 'vite.config.ts'),
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
