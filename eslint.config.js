import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.data/**',
      'e2e/artifacts/**',
      '**/dev-dist/**',
      // Written by `npm run codegen` (checked by `codegen:check`, never edited by hand). The client
      // preset heads each file with its own `/* eslint-disable */`; no option leaves it out.
      'web/src/graphql/generated/**',
      'e2e/support/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      // Prettier lays out templates; these two layout rules disagree with it.
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
    },
  },
  {
    // No import cycles on the server (STYLE.md, server habit 10). `import type` is left out, as
    // TypeScript erases it: no module waits on another at load. The resolver maps the `.js`
    // specifiers of NodeNext ESM onto the `.ts` sources.
    files: ['server/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without a parser for .ts, import-x cannot read a dependency's imports and sees no cycle at all.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    // vue-tsc checks names in .vue files; ESLint's no-undef knows no browser globals there
    files: ['web/**/*.vue'],
    rules: { 'no-undef': 'off' },
  },
  {
    // The push handlers Workbox's generated service worker imports (plain JS, copied as is).
    files: ['web/public/push-sw.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        self: 'readonly',
        URL: 'readonly',
        MessageChannel: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        indexedDB: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
      },
    },
  },
  {
    files: ['**/*.mjs', 'scripts/**', 'bench/**', '.ci/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
