import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['node_modules/', 'dist/', 'coverage/', 'templates_storage/', 'bench/.work/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The web catalog's script runs in the browser.
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
          'setTimeout',
          'clearTimeout',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly'}},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
)
