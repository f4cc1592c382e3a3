// Lint: typescript-eslint's recommended rules plus the dependency direction of the layout (design.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const electronOnlyInMainElectron = {
  name: 'electron',
  message: 'electron is imported only in main/electron/.',
};

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
    files: ['main/**/*.ts', 'test/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [electronOnlyInMainElectron] }] },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnlyInMainElectron],
        patterns: [
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
          { group: ['node:*'], message: 'The renderer runs in a browser: no Node modules.' },
          { group: ['**/main/**'], message: 'The renderer talks to main/ only through the contract in shared/.' },
        ],
      }],
    },
  },
);
