import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text', 'lcov'],
      thresholds: {
        statements: {{ coverage_threshold }},
        branches: {{ coverage_threshold }},
        functions: {{ coverage_threshold }},
        lines: {{ coverage_threshold }},
      },
    },
  },
})
