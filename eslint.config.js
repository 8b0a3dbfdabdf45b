import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['node_modules/', '**/dist/', 'coverage/', 'templates_storage/', 'bench/.work/']},
  js.configs.recommended,
  // Type-aware: the rules that need the type checker (floating promises, unsafe `any`,
  // exhaustive switches) catch what the syntax-only rules cannot.
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: {process: 'readonly', console: 'readonly', URL: 'readonly'},
      parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname},
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', {considerDefaultExhaustiveForUnions: true}],
      // Off: an `async` method without `await` is how this code implements a Promise-returning
      // interface with a synchronous body (the in-memory bus, cache and lock); `async` turns a
      // throw into a rejection, which `return Promise.resolve(...)` would not. A forgotten
      // await is caught by no-floating-promises and no-misused-promises instead.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Tests read response bodies with `await res.json()` (typed `any`) and check their shape
  // with expect(), which fails the test at run time where a cast would only hide it; the
  // no-unsafe-* rules would ask for a cast per assertion. Every other rule applies.
  {
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Plain JavaScript (the bin shim, the bundle script, this file) is outside the TypeScript project.
  {files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked},
  // The web catalog's script runs in the browser.
  {
    files: ['src/web/assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'history',
          'fetch',
          'FormData',
          'URLSearchParams',
          'DOMParser',
          'CSS',
          'CustomEvent',
          'EventSource',
          'setTimeout',
          'clearTimeout',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
)
