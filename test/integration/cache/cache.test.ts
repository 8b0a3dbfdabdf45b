/**
 * The registry's read-through cache: the same behaviour in memory and in Redis (when
 * MAESTRO_TEST_REDIS_URL is set), tenant isolation through the registry, invalidation
 * across two registries sharing Redis, and reads that survive Redis going down.
 */
import {describe, expect, it, onTestFinished} from 'vitest'

import type {Cache} from '../../../src/cache/cache.js'
import {MemoryCache} from '../../../src/cache/cache.js'
import {createCache} from '../../../src/cache/index.js'
import {RedisCache} from '../../../src/cache/redis-cache.js'
import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import type {LocalRegistry} from '../../../src/registry/local-registry.js'
import {tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {REDIS_URL, startOwnRedis, testPrefix, waitFor} from '../events/support.js'

const ADMIN = {tenant: 'local', user: 'test', role: 'admin'} as const

const CACHES: {name: string; enabled: boolean; make: (url?: string) => Cache}[] = [
  {name: 'memory', enabled: true, make: () => new MemoryCache()},
  {
    name: 'redis',
    enabled: Boolean(REDIS_URL),
    make: (url = REDIS_URL) => new RedisCache({url: url!, prefix: testPrefix(url)}),
  },
]

function closing<T extends {close(): Promise<void>}>(thing: T): T {
  onTestFinished(() => thing.close())
  return thing
}

async function ready(cache: Cache): Promise<void> {
  await waitFor(async () => (await cache.ping().catch(() => -1)) >= 0, 10_000, 'the cache to connect')
}

async function publish(
  registry: LocalRegistry,
  name: string,
  opts: {version?: string; readme?: string} = {},
) {
  const dir = await writeTemplate(tempDir(), {
    name,
    ...(opts.version ? {version: opts.version} : {}),
    ...(opts.readme ? {files: {'README.md': opts.readme}} : {}),
  })
  return registry.publish({template: await loadTemplateDir(dir)})
}

for (const {name, enabled, make} of CACHES) {
  describe.skipIf(!enabled)(`${name} cache`, () => {
    it('loads on a miss, answers the next read from the cache, and counts both', async () => {
      const cache = closing(make())
      await ready(cache)
      let loads = 0
      const load = async () => ({n: ++loads})
      expect(await cache.getOrLoad(['acme', 'public'], 'acme:get:x', load)).toEqual({n: 1})
      expect(await cache.getOrLoad(['acme', 'public'], 'acme:get:x', load)).toEqual({n: 1})
      expect(loads).toBe(1)
      expect(cache.stats()).toMatchObject({hits: 1, misses: 1, backend: name})
    })

    it('keeps scopes apart and invalidates every scope that read a namespace', async () => {
      const cache = closing(make())
      await ready(cache)
      let loads = 0
      const load = async () => ++loads
      await cache.getOrLoad(['acme', 'public'], 'k', load)
      await cache.getOrLoad(['globex', 'public'], 'k', load)
      await cache.getOrLoad(['globex'], 'k', load)
      expect(loads).toBe(3)
      await cache.invalidate('acme')
      expect(await cache.getOrLoad(['acme', 'public'], 'k', load)).toBe(4)
      expect(await cache.getOrLoad(['globex', 'public'], 'k', load)).toBe(2)
      await cache.invalidate('public')
      expect(await cache.getOrLoad(['acme', 'public'], 'k', load)).toBe(5)
      expect(await cache.getOrLoad(['globex', 'public'], 'k', load)).toBe(6)
      expect(await cache.getOrLoad(['globex'], 'k', load)).toBe(3)
      await cache.clear()
      expect(await cache.getOrLoad(['globex'], 'k', load)).toBe(7)
    })

    it('never answers one tenant with another tenant’s shadowing copy', async () => {
      const cache = make()
      const registry = closing(
        await openLocalRegistry({config: testConfig(), context: ADMIN, cache, importCatalog: false}),
      )
      await ready(cache)
      const admin = registry.withContext({tenant: 'public', user: 'admin', role: 'admin'})
      const acme = registry.withContext({tenant: 'acme', user: 'ana', role: 'editor'})
      const globex = registry.withContext({tenant: 'globex', user: 'gil', role: 'viewer'})
      await publish(admin, 'shared-service', {version: '1.0.0'})
      // Cached for globex before acme shadows it...
      expect((await globex.get('shared-service')).namespace).toBe('public')
      await publish(acme, 'shared-service', {version: '9.0.0'})
      for (let round = 0; round < 2; round++) {
        expect(await acme.get('shared-service')).toMatchObject({namespace: 'acme', version: '9.0.0'})
        expect(await globex.get('shared-service')).toMatchObject({namespace: 'public', version: '1.0.0'})
        expect((await acme.search({text: 'shared'})).items.map((i) => i.namespace)).toContain('acme')
        expect((await globex.search({text: 'shared'})).items.map((i) => i.namespace)).toEqual(['public'])
      }
      expect(cache.stats().hits).toBeGreaterThanOrEqual(4)
    })
  })
}

describe.skipIf(!REDIS_URL)('Redis cache shared by several registries', () => {
  it('is invalidated for every registry by a write through any of them', async () => {
    const config = testConfig({REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: testPrefix()})
    // Two daemons on one store and one Redis.
    const first = closing(await openLocalRegistry({config, context: ADMIN, importCatalog: false}))
    const second = closing(await openLocalRegistry({config, context: ADMIN, importCatalog: false}))
    await publish(first, 'billing-service', {version: '1.0.0'})
    expect((await first.get('billing-service')).version).toBe('1.0.0')
    expect((await second.get('billing-service')).version).toBe('1.0.0')
    const before = (await first.stats()).cache
    expect(before.backend).toBe('redis')
    expect((await first.get('billing-service')).version).toBe('1.0.0')
    expect((await first.stats()).cache.hits).toBe(before.hits + 1)

    await publish(second, 'billing-service', {
      version: '1.1.0',
      readme: '# billing-service\n\nSecond version.\n',
    })
    expect((await first.get('billing-service')).version).toBe('1.1.0')
    expect((await first.search({text: 'billing'})).items[0]!.version).toBe('1.1.0')

    await second.delete('billing-service')
    await expect(first.get('billing-service')).rejects.toMatchObject({code: 'NOT_FOUND'})
  })

  it('reads from the database while Redis is down, and recovers without stale entries', async () => {
    const redis = await startOwnRedis()
    const cache = createCache({redisUrl: redis.url, redisKeyPrefix: testPrefix(redis.url)})
    const registry = closing(
      await openLocalRegistry({config: testConfig(), context: ADMIN, cache, importCatalog: false}),
    )
    await ready(cache)
    await publish(registry, 'billing-service', {version: '1.0.0'})
    await registry.get('billing-service')
    expect((await registry.get('billing-service')).version).toBe('1.0.0')
    const hitsBefore = cache.stats().hits
    expect(hitsBefore).toBeGreaterThanOrEqual(1)

    await redis.kill()
    // Every read and the write succeed: the cache steps aside.
    expect((await registry.get('billing-service')).version).toBe('1.0.0')
    await publish(registry, 'billing-service', {version: '1.1.0', readme: '# billing-service\n\nSecond.\n'})
    expect((await registry.get('billing-service')).version).toBe('1.1.0')
    expect((await registry.search({text: 'billing'})).total).toBe(1)
    expect(cache.stats().errors).toBeGreaterThan(0)
    await expect(cache.ping()).rejects.toThrow()

    // Back with its data (the append-only file kept the entry for 1.0.0): the invalidation
    // deferred while it was down is applied before the cache is read again.
    await redis.start()
    await ready(cache)
    expect((await registry.get('billing-service')).version).toBe('1.1.0')
    const hits = cache.stats().hits
    expect((await registry.get('billing-service')).version).toBe('1.1.0')
    expect(cache.stats().hits).toBe(hits + 1)
  })
})
