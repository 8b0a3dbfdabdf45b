/**
 * Publishes under contention (issue 22.5): N clients that do not retry publish into one
 * tenant at once, on one daemon (SQLite, in-process bus) and on two daemons sharing a
 * store, PostgreSQL and Redis. Prints the answers by status, the wall time, the
 * aggregate publishes per second (target: every answer 201, >= 30/s) and the latency.
 *
 * ```sh
 * npm run build
 * node dist/bench/publish-contention.js --count 200 --postgres postgres://postgres@127.0.0.1:5432/test
 * ```
 * Flags: `--count N` (200), `--postgres URL` (or MAESTRO_BENCH_POSTGRES_URL; without it
 * the PostgreSQL case is skipped), `--daemons N` (2: daemons on PostgreSQL), `--sqlite-count N`
 * (`--count`; 0 skips the SQLite case), `--port-base P` (18520: daemons on P..P+N, redis on P+9).
 * Each case also prints where the writes spent their time (`maestro_write_phase_*`) and
 * the CPU the daemons used per publish (their user + system time, whatever else runs).
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  byStatus,
  createSchema,
  cpuSeconds,
  percentile,
  publish,
  startDaemon,
  startRedis,
  stopDaemon,
  writePhases,
  type Answer,
  type Daemon,
} from './cluster.js'

export interface ContentionResult {
  setup: string
  count: number
  statuses: Record<string, number>
  seconds: number
  perSecond: number
  p50: number
  p99: number
}

/** Fires `count` publishes at once, round-robin over `daemons`. */
export async function contend(setup: string, daemons: Daemon[], count: number): Promise<ContentionResult> {
  const tag = Math.random().toString(36).slice(2, 7)
  const cpuBefore = daemons.reduce((sum, d) => sum + (cpuSeconds(d) ?? 0), 0)
  const started = performance.now()
  const answers: Answer[] = await Promise.all(
    Array.from({length: count}, (_, i) => publish(daemons[i % daemons.length]!, `contended-${tag}-${i}`)),
  )
  const seconds = (performance.now() - started) / 1000
  const cpu = daemons.reduce((sum, d) => sum + (cpuSeconds(d) ?? 0), 0) - cpuBefore
  console.log(
    `  daemons' CPU ${cpu.toFixed(1)} s = ${((cpu / count) * 1000).toFixed(0)} ms per publish; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  )
  for (const d of daemons) console.log(`  ${await writePhases(d)}`)
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b)
  return {
    setup,
    count,
    statuses: byStatus(answers),
    seconds,
    perSecond: count / seconds,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
  }
}

export function formatContention(r: ContentionResult): string {
  return `${r.setup}: ${r.count} concurrent publishes → ${JSON.stringify(r.statuses)} in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(1)}/s (target >= 30/s, all 201); latency p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms`
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
  const count = Number(flag('--count') ?? 200)
  const sqliteCount = Number(flag('--sqlite-count') ?? count)
  const daemonCount = Number(flag('--daemons') ?? 2)
  const postgres = flag('--postgres') ?? process.env.MAESTRO_BENCH_POSTGRES_URL
  const portBase = Number(flag('--port-base') ?? 18520)
  const work = mkdtempSync(join(tmpdir(), 'maestro-contention-'))
  const catalog = mkdtempSync(join(tmpdir(), 'maestro-empty-'))
  const results: ContentionResult[] = []
  try {
    if (sqliteCount > 0) {
      const home = join(work, 'sqlite')
      const daemon = await startDaemon('sqlite', portBase, {
        MAESTRO_HOME: home,
        TEMPLATES_STORAGE_PATH: catalog,
      })
      try {
        results.push(await contend('one daemon, SQLite', [daemon], sqliteCount))
        console.log(formatContention(results.at(-1)!))
      } finally {
        await stopDaemon(daemon)
      }
    }
    if (postgres) {
      const redis = await startRedis(portBase + 9)
      const schema = await createSchema(postgres, 'contention')
      const env = {
        MAESTRO_HOME: join(work, 'shared'),
        TEMPLATES_STORAGE_PATH: catalog,
        DATABASE_URL: schema.url,
        REDIS_URL: redis.url,
      }
      const daemons: Daemon[] = []
      try {
        // The first migrates the schema; the others start on a migrated one.
        daemons.push(await startDaemon('pg-0', portBase + 1, env))
        for (let i = 1; i < daemonCount; i++)
          daemons.push(await startDaemon(`pg-${i}`, portBase + 1 + i, env))
        results.push(await contend(`${daemonCount} daemons, PostgreSQL + Redis`, daemons, count))
        console.log(formatContention(results.at(-1)!))
      } finally {
        for (const d of daemons) await stopDaemon(d)
        await redis.stop()
        await schema.drop()
      }
    } else console.log('PostgreSQL daemons: skipped (no --postgres URL / MAESTRO_BENCH_POSTGRES_URL)')
  } finally {
    rmSync(work, {recursive: true, force: true})
    rmSync(catalog, {recursive: true, force: true})
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
