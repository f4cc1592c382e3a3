// Lint: typescript-eslint's recommended rules plus the dependency direction of the layout (design.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronMessage = 'electron is imported only in main/electron/.';
const electronOnlyInMainElectron = { name: 'electron', message: electronMessage };
// `electron/main`, `electron/renderer`, `electron/common` reach the same modules as `electron`.
const electronSubpaths = { group: ['electron/*'], message: electronMessage };
// require('electron'), createRequire(…)('electron') and import('electron') load it as well.
const electronLoadedAtRuntime = [
  { selector: "CallExpression[arguments.0.type='Literal'][arguments.0.value=/^electron(\\/|$)/]", message: electronMessage },
  { selector: "ImportExpression[source.type='Literal'][source.value=/^electron(\\/|$)/]", message: electronMessage },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'coverage/**', 'renderer/dist/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly', performance: 'readonly', structuredClone: 'readonly', AbortController: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOnlyInMainElectron], patterns: [electronSubpaths] }],
      'no-restricted-syntax': ['error', ...electronLoadedAtRuntime],
    },
  },
  {
    // `berth start` asks the electron package where its binary is (its main export is that path)
    // to decide whether the desktop app can run; it never loads Electron's API.
    files: ['main/cli/electron-launch.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInMainElectron],
        patterns: [
          electronSubpaths,
          { group: ['node:*'], message: 'shared/ is isomorphic: no Node modules.' },
          { group: ['**/main/**', '**/renderer/**'], message: 'shared/ imports only shared/.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInMainElectron],
        patterns: [
          electronSubpaths,
          { group: ['node:*'], message: 'The renderer runs in a browser: no Node modules.' },
          { group: ['**/main/**'], message: 'The renderer talks to main/ only through the contract in shared/.' },
        ],
      }],
    },
  },
);
