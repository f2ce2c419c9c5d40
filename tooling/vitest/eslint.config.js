import { createConfig } from '@pgmcp/eslint-config';

// index.js is typed by index.d.ts (vitest config files import it before any build).
export default [
  { ignores: ['index.js'] },
  ...createConfig({ tsconfigRootDir: import.meta.dirname, kind: 'package' }),
];
