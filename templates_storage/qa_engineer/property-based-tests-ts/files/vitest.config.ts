import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Shrinking a failure to its smallest case can take a while.
    testTimeout: 30_000,
  },
})
