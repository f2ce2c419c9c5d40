import tseslint from 'typescript-eslint';

const apps = ['@pgmcp/server', '@pgmcp/web', '@pgmcp/cli'];
/** Apps others may import, by their package entry only: the server's start functions (for `pgmcp serve`). */
const APP_ENTRY_POINTS = ['@pgmcp/server'];

/** Imports nobody may write: deep imports into another package's src/ or dist/. */
const deepImports = [
  {
    group: ['@pgmcp/*/src', '@pgmcp/*/src/*', '@pgmcp/*/dist', '@pgmcp/*/dist/*'],
    message: "Import the package's public entry point (its index), not its files.",
  },
];

/**
 * The shared flat config.
 *
 * @param {object} options
 * @param {string} options.tsconfigRootDir directory of the package (import.meta.dirname)
 * @param {'package' | 'browser-package' | 'app' | 'web'} options.kind what the code may import
 * @example
 *   export default createConfig({ tsconfigRootDir: import.meta.dirname, kind: 'package' });
 */
export function createConfig({ tsconfigRootDir, kind }) {
  const patterns = [...deepImports];
  const paths = [];
  if (kind === 'package' || kind === 'browser-package') {
    // Dependencies point one way: apps -> packages.
    for (const name of apps) paths.push({ name, message: 'Packages never import apps.' });
    patterns.push({ group: ['**/apps/*'], message: 'Packages never import apps.' });
  } else {
    // Apps import another app only through its declared start entry point (DESIGN.md §2).
    for (const name of apps.filter((app) => !APP_ENTRY_POINTS.includes(app))) {
      paths.push({ name, message: 'Apps do not import other apps; share code through a package.' });
    }
    patterns.push(
      {
        group: apps.map((app) => `${app}/*`),
        message:
          "Import another app only through its start entry point (e.g. '@pgmcp/server'), or move the code into a package.",
      },
      { group: ['**/apps/*/src/**', '**/apps/*/dist/**'], message: "Apps do not import other apps' files." },
    );
  }
  const browserOnly =
    kind === 'browser-package' || kind === 'web'
      ? [
          {
            files: ['src/**/*.ts', 'src/**/*.tsx'],
            ignores: ['**/*.test.ts', '**/*.test.tsx', 'src/testing.ts', 'src/testing/**'],
            rules: {
              'no-restricted-imports': [
                'error',
                {
                  // The browser app's own code imports no app at all (its tests may start the server).
                  paths:
                    kind === 'web'
                      ? [
                          ...paths,
                          ...APP_ENTRY_POINTS.map((name) => ({
                            name,
                            message: 'The browser app imports no app.',
                          })),
                        ]
                      : paths,
                  patterns: [
                    ...patterns,
                    { group: ['node:*'], message: 'Browser-safe code must not import Node.js modules.' },
                  ],
                },
              ],
            },
          },
        ]
      : [];
  return tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '*.config.*', 'test-artifacts/**', 'bin/**'] },
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        '@typescript-eslint/no-floating-promises': 'error',
        // Handlers implement Promise-returning contracts; an async function without await is fine.
        '@typescript-eslint/require-await': 'off',
        '@typescript-eslint/no-misused-promises': 'error',
        '@typescript-eslint/switch-exhaustiveness-check': [
          'error',
          { considerDefaultExhaustiveForUnions: true },
        ],
        '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
        '@typescript-eslint/no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
        ],
        'no-restricted-imports': ['error', { paths, patterns }],
        'no-restricted-syntax': [
          'error',
          { selector: 'ExportAllDeclaration', message: 'Export names explicitly (no export *).' },
          { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        ],
      },
    },
    ...browserOnly,
    {
      // Tests may use loose typing around fixtures and the SDK's generic results.
      files: ['**/*.test.ts', '**/*.test.tsx', 'test/**/*.ts'],
      rules: {
        '@typescript-eslint/no-unsafe-member-access': 'off',
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-argument': 'off',
        '@typescript-eslint/no-unsafe-call': 'off',
        '@typescript-eslint/no-non-null-assertion': 'off',
        '@typescript-eslint/unbound-method': 'off',
      },
    },
  );
}
