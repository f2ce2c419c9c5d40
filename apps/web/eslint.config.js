import { createConfig } from '@pgmcp/eslint-config';
import reactHooks from 'eslint-plugin-react-hooks';

export default [
  // Plain Node scripts outside any tsconfig, and a config file that must export a default.
  { ignores: ['scripts/**', 'test/e2e/vitest.config.ts'] },
  ...createConfig({ tsconfigRootDir: import.meta.dirname, kind: 'web' }),
  {
    files: ['src/**/*.tsx', 'src/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
];
