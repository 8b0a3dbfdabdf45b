/**
 * The price of noticing other processes' writes: `LocalRegistry.refresh()` (one indexed
 * query of the readable namespaces' write generations, run before every cached read and
 * every response-cache lookup of the daemon) against a whole cached `get`, on SQLite and,
 * with `--postgres URL`, on PostgreSQL.
 *
 * ```sh
 * npm run build && node dist/bench/index-watch.js --postgres postgres://postgres@127.0.0.1:5432/test
 * ```
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {pathToFileURL} from 'node:url'

import pg from 'pg'

import {loadConfig} from '../src/config.js'
import {openLocalRegistry} from '../src/registry/local-registry.js'
import {stats, syntheticTemplate} from './run.js'

const CONTEXT = {tenant: 'local', user: 'bench', role: 'admin'} as const

/**
 * @example
 * ```ts
 * console.table(await benchIndexWatch({runs: 5000, postgresUrl: 'postgres://127.0.0.1/test'}))
 * ```
 */
export async function benchIndexWatch(opts: {runs?: number; postgresUrl?: string | undefined} = {}) {
  const runs = opts.runs ?? 5000
  const rows: {database: string; operation: string; median: number; p99: number}[] = []
  const targets: [string, string | undefined][] = [['sqlite', undefined]]
  let schema: string | undefined
  if (opts.postgresUrl) {
    schema = `bench_watch_${process.pid}`
    const url = new URL(opts.postgresUrl)
    url.searchParams.set('options', `-c search_path=${schema}`)
    targets.push(['postgres', url.toString()])
    const client = new pg.Client({connectionString: opts.postgresUrl})
    await client.connect()
    await client.query(`CREATE SCHEMA ${schema}`)
    await client.end()
  }
  try {
    for (const [database, url] of targets) {
      const work = mkdtempSync(join(tmpdir(), 'maestro-bench-watch-'))
      try {
        const config = loadConfig({
          MAESTRO_HOME: join(work, 'store'),
          TEMPLATES_STORAGE_PATH: join(work, 'none'),
          ...(url ? {DATABASE_URL: url} : {}),
        })
        const registry = await openLocalRegistry({config, context: CONTEXT})
        for (let i = 0; i < 20; i++)
          await registry.publish({template: syntheticTemplate(`watch-${i}`, 'backend_developer', '1.0.0', 4)})
        const operations: [string, () => Promise<unknown>][] = [
          ['refresh() alone', () => registry.refresh()],
          ['cached get (refresh included)', () => registry.get('watch-10')],
        ]
        for (const [operation, run] of operations) {
          for (let i = 0; i < 200; i++) await run()
          const times: number[] = []
          for (let i = 0; i < runs; i++) {
            const started = performance.now()
            await run()
            times.push(performance.now() - started)
          }
          const {median, p99} = stats(times)
          rows.push({database, operation, median, p99})
        }
        await registry.close()
      } finally {
        rmSync(work, {recursive: true, force: true})
      }
    }
  } finally {
    if (schema && opts.postgresUrl) {
      const client = new pg.Client({connectionString: opts.postgresUrl})
      await client.connect()
      await client.query(`DROP SCHEMA ${schema} CASCADE`)
      await client.end()
    }
  }
  return rows
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--postgres')
  const rows = await benchIndexWatch({postgresUrl: at > 0 ? process.argv[at + 1] : undefined})
  for (const row of rows)
    console.log(
      `${row.database}\t${row.operation}\tmedian ${row.median.toFixed(3)} ms\tp99 ${row.p99.toFixed(3)} ms`,
    )
}
