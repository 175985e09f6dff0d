// A process boundary is a build boundary: each src-* folder may import only itself and src-shared,
// and code that runs in the renderer or a worker may not import Electron or Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeOnly = ['electron', 'node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'url', 'module'];
const otherParts = (self) =>
  ['src-main', 'src-renderer', 'src-worker', 'src-server']
    .filter((part) => part !== self)
    .map((part) => `**/${part}/**`);

const restrict = (self, { node }) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: otherParts(self), message: 'Parts talk through src-shared contracts, not imports.' },
        ...(node ? [] : [{ group: nodeOnly, message: 'This code runs in a browser context.' }]),
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist-web/', 'release/', 'scratch/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: { ...reactHooks.configs.recommended.rules, ...restrict('src-renderer', { node: false }) },
  },
  {
    files: ['src-worker/**/*.ts'],
    ignores: ['src-worker/node/**', 'src-worker/**/*.test.ts'],
    languageOptions: { globals: globals.worker },
    rules: restrict('src-worker', { node: false }),
  },
  {
    files: ['src-shared/**/*.ts'],
    ignores: ['src-shared/**/*.test.ts'],
    rules: restrict('src-shared', { node: false }),
  },
  {
    files: ['src-main/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: restrict('src-main', { node: true }),
  },
  {
    files: ['src-server/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: restrict('src-server', { node: true }),
  },
  {
    files: [
      'src-worker/node/**/*.ts',
      '**/*.test.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.{js,mjs,ts}',
      '*.config.{js,ts}',
    ],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
