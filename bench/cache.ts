/**
 * Cache hit against miss: `LocalRegistry.get` by name and `search` on a synthetic store,
 * through the in-memory cache and, when a Redis URL is given, the Redis cache. A miss
 * is forced by invalidating the namespace before the read (outside the timing), so it
 * costs what a real miss costs: the generation lookup, the database read and the store.
 *
 * ```sh
 * npm run build && node dist/bench/cache.js --redis redis://127.0.0.1:6379
 * ```
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {pathToFileURL} from 'node:url'

import {createClient} from 'redis'

import type {Cache} from '../src/cache/cache.js'
import {MemoryCache} from '../src/cache/cache.js'
import {RedisCache} from '../src/cache/redis-cache.js'
import {loadConfig} from '../src/config.js'
import {openLocalRegistry} from '../src/registry/local-registry.js'
import {stats, syntheticTemplate} from './run.js'

export interface CacheFigures {
  cache: string
  operation: string
  hit: {median: number; p99: number}
  miss: {median: number; p99: number}
}

/**
 * @example
 * ```ts
 * const rows = await benchCache({templates: 200, runs: 300, redisUrl: 'redis://127.0.0.1:6379'})
 * ```
 */
export async function benchCache(
  opts: {templates?: number; runs?: number; redisUrl?: string | undefined} = {},
): Promise<CacheFigures[]> {
  const templates = opts.templates ?? 200
  const runs = opts.runs ?? 300
  const work = mkdtempSync(join(tmpdir(), 'maestro-bench-cache-'))
  const prefix = `maestro-bench:${process.pid}:`
  const caches: [string, () => Cache][] = [['memory', () => new MemoryCache()]]
  if (opts.redisUrl) caches.push(['redis', () => new RedisCache({url: opts.redisUrl!, prefix})])
  const rows: CacheFigures[] = []
  try {
    const config = loadConfig({MAESTRO_HOME: join(work, 'store'), TEMPLATES_STORAGE_PATH: join(work, 'none')})
    const seed = await openLocalRegistry({config, context: {tenant: 'local', user: 'bench', role: 'admin'}})
    const categories = ['backend_developer', 'frontend_developer', 'devops_engineer', 'qa_engineer']
    for (let i = 0; i < templates; i++) {
      await seed.publish({template: syntheticTemplate(`bench-${i}`, categories[i % 4]!, '1.0.0', 4)})
    }
    await seed.close()
    for (const [name, make] of caches) {
      const cache = make()
      const registry = await openLocalRegistry({
        config,
        context: {tenant: 'local', user: 'bench', role: 'admin'},
        cache,
      })
      for (let i = 0; i < 50 && (await cache.ping().catch(() => -1)) < 0; i++) {
        await new Promise((r) => setTimeout(r, 100))
      }
      const operations: [string, () => Promise<unknown>][] = [
        ['get by name', () => registry.get(`bench-${Math.floor(templates / 2)}`)],
        ['search "synthetic"', () => registry.search({text: 'synthetic', limit: 20})],
      ]
      for (const [operation, read] of operations) {
        const hit: number[] = []
        const miss: number[] = []
        await read()
        for (let i = 0; i < runs; i++) {
          await cache.invalidate('local')
          let started = performance.now()
          await read()
          miss.push(performance.now() - started)
          started = performance.now()
          await read()
          hit.push(performance.now() - started)
        }
        rows.push({cache: name, operation, hit: stats(hit), miss: stats(miss)})
      }
      await registry.close()
    }
  } finally {
    if (opts.redisUrl) {
      const client = createClient({url: opts.redisUrl})
      await client.connect()
      for await (const keys of client.scanIterator({MATCH: `${prefix}*`, COUNT: 1000})) {
        if (keys.length > 0) await client.unlink(keys)
      }
      await client.close()
    }
    rmSync(work, {recursive: true, force: true})
  }
  return rows
}

export function formatCacheFigures(rows: CacheFigures[]): string[] {
  const ms = (n: number) => `${n.toFixed(3)} ms`
  return rows.map(
    (r) =>
      `${r.cache.padEnd(7)} ${r.operation.padEnd(20)} hit ${ms(r.hit.median)} (p99 ${ms(r.hit.p99)})  miss ${ms(r.miss.median)} (p99 ${ms(r.miss.p99)})  miss/hit ${(r.miss.median / r.hit.median).toFixed(1)}x`,
  )
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--redis')
  const redisUrl = at >= 0 ? args[at + 1] : process.env.REDIS_URL
  for (const line of formatCacheFigures(await benchCache({redisUrl}))) console.log(line)
}
