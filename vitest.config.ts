import {defineConfig} from 'vitest/config'

/**
 * Four projects, one per kind of test (`npm test` runs them all, as CI does):
 * - unit: pure code in this process; needs no service, no build, no network, and runs in
 *   well under a minute (`npm run test:unit`, the loop to keep open while editing);
 * - integration (and integration-matrix, the authorization matrix in shards): real
 *   PostgreSQL/Redis (when MAESTRO_TEST_*_URL are set), real git, the daemon in process,
 *   the render pool's worker threads from the build;
 * - e2e: the built CLI (bin/run.js) and daemons as separate processes;
 * - catalog (and catalog-projects, in shards): every catalog template generated and checked
 *   with its own tools.
 */
const SERVICES = ['test/setup/services.ts']
const MATRIX = 'test/integration/server/auth-matrix-*.test.ts'
const CATALOG_PROJECTS = 'test/catalog/{generated-projects-*,workflows}.test.ts'

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {extends: true, test: {name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}']}},
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [MATRIX],
          globalSetup: SERVICES,
        },
      },
      // The authorization matrix (~230 s in one file) in shards that run side by side,
      // as a group of its own after the rest: its daemons mostly wait on I/O, so four
      // shards overlap well even on two cores, where vitest otherwise runs one file at
      // a time (CPU count - 1) to keep the timing-sensitive suites quiet.
      {
        extends: true,
        test: {
          name: 'integration-matrix',
          include: [MATRIX],
          globalSetup: SERVICES,
          maxWorkers: 4,
          sequence: {groupOrder: 1},
          // One route's matrix is a few dozen requests; shards compete for the CPU.
          testTimeout: 180_000,
        },
      },
      {extends: true, test: {name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: SERVICES}},
      {
        extends: true,
        test: {
          name: 'catalog',
          include: ['test/catalog/**/*.test.ts'],
          exclude: [CATALOG_PROJECTS],
          globalSetup: SERVICES,
        },
      },
      // The projects the catalog generates, checked by their own tooling (npm install, tsc,
      // eslint, pytest, the bundled workflows' results...): the longest part of the suite, in
      // shards run side by side as the last group, where they have the machine to themselves.
      // Most of a check is spent in npm, git and child processes, so three shards and the
      // workflows file overlap well on two cores.
      {
        extends: true,
        test: {
          name: 'catalog-projects',
          include: [CATALOG_PROJECTS],
          globalSetup: SERVICES,
          maxWorkers: 4,
          sequence: {groupOrder: 2},
        },
      },
    ],
  },
})
