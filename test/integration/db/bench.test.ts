import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {benchSearch} from '../../../bench/search.js'
import {DIALECTS, POSTGRES_URL, unavailable} from './helpers.js'

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`bench/search (${dialect})`, () => {
    it('builds a small synthetic index, times every query shape, and cleans up', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'maestro-bench-'))
      try {
        const dbPath = join(dir, 'bench.db')
        const result = await benchSearch({
          templates: 300,
          dbPath,
          runs: 3,
          ...(dialect === 'postgres' ? {postgresUrl: POSTGRES_URL} : {}),
        })
        expect(result.templates).toBe(300)
        expect(result.queries.length).toBeGreaterThan(10)
        for (const q of result.queries) {
          expect(q.median).toBeGreaterThanOrEqual(0)
          expect(q.p99).toBeGreaterThanOrEqual(q.median)
        }
        expect(result.queries.find((q) => q.name === 'list all (page 1)')?.total).toBe(270)
        expect(result.queries.find((q) => q.name === 'selective word')?.total).toBe(1)
        expect(existsSync(dbPath)).toBe(false)
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })

    it('keeps the index it built and times it again without rebuilding (--keep, --reuse, --only)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'maestro-bench-'))
      const target = {
        dbPath: join(dir, 'bench.db'),
        ...(dialect === 'postgres'
          ? {postgresUrl: POSTGRES_URL, schema: `maestro_bench_test_${process.pid}`}
          : {}),
      }
      try {
        const built = await benchSearch({...target, templates: 200, runs: 1, keep: true, only: 'selective'})
        expect(built.buildMs).toBeGreaterThan(0)
        expect(built.queries.map((q) => q.name)).toEqual(['selective word'])
        // Asked for more templates, a reused index still has the 200 it was built with.
        const reused = await benchSearch({...target, templates: 1000, runs: 1, reuse: true, only: 'list all'})
        expect(reused.buildMs).toBe(0)
        expect(reused.queries.find((q) => q.name === 'list all (page 1)')?.total).toBe(180)
        // Without keep, the last run drops what it timed.
        await benchSearch({...target, templates: 200, runs: 1, reuse: true, only: 'selective'})
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  })
}
