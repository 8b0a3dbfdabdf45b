/**
 * The namespace write lock shared by daemons (src/db/lock.ts), on a real PostgreSQL and a
 * real Redis: two lock services stand for two daemons. Mutual exclusion, a bounded wait,
 * a lost lock detected before the ref moves (fencing), and the index refusing a head it
 * did not expect.
 */
import {setTimeout as sleep} from 'node:timers/promises'

import {createClient} from 'redis'
import {describe, expect, it, onTestFinished} from 'vitest'

import {advisoryKey, createWriteLocks, type WriteLocks} from '../../../src/db/lock.js'
import {GitStore} from '../../../src/store/git-store.js'
import {git, tempDir, templateFiles} from '../store/support.js'
import {REDIS_URL, testPrefix} from '../events/support.js'
import {DIALECTS, createTestDatabase, openTestDb, POSTGRES_URL, unavailable, version} from './helpers.js'

interface Backend {
  name: 'postgres' | 'redis'
  skip: boolean
  /** Two lock services on the same registry (two daemons). */
  open(): Promise<[WriteLocks, WriteLocks]>
  /** Makes `locks` lose every lock it holds, as a dead session or an expired key would. */
  loseLocks(locks: WriteLocks): Promise<void>
}

/** The schema of the current PostgreSQL test's registry. */
let schema = ''

const BACKENDS: Backend[] = [
  {
    name: 'postgres',
    skip: !POSTGRES_URL,
    async open() {
      const database = await createTestDatabase('postgres')
      onTestFinished(() => database.drop())
      schema = /search_path=(\S+)/.exec(new URL(database.url).searchParams.get('options') ?? '')![1]!
      const home = tempDir()
      return [openLocks({home, databaseUrl: database.url}), openLocks({home, databaseUrl: database.url})]
    },
    async loseLocks() {
      // An administrator (or a network cut) ends the session holding this registry's lock on acme.
      const {default: pg} = await import('pg')
      const client = new pg.Client({connectionString: POSTGRES_URL})
      await client.connect()
      try {
        const key = advisoryKey(`${new URL(POSTGRES_URL!).pathname.slice(1)}.${schema}`, 'acme.lock')
        const {rowCount} = await client.query(
          `SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted
              AND classid::bigint = ($1::bigint >> 32) & 4294967295 AND objid::bigint = $1::bigint & 4294967295`,
          [key],
        )
        expect(rowCount).toBe(1)
      } finally {
        await client.end()
      }
    },
  },
  {
    name: 'redis',
    skip: !REDIS_URL,
    async open() {
      const prefix = testPrefix()
      const home = tempDir()
      return [
        openLocks({home, redisUrl: REDIS_URL!, redisKeyPrefix: prefix}),
        openLocks({home, redisUrl: REDIS_URL!, redisKeyPrefix: prefix}),
      ]
    },
    async loseLocks() {
      // The key expired (a holder stalled past its TTL) and was deleted.
      const client = createClient({url: REDIS_URL!})
      await client.connect()
      try {
        for await (const keys of client.scanIterator({MATCH: 'maestro-test:*lock:*', COUNT: 1000}))
          if (keys.length > 0) await client.del(keys)
      } finally {
        client.destroy()
      }
    },
  },
]

function openLocks(config: Parameters<typeof createWriteLocks>[0]): WriteLocks {
  const locks = createWriteLocks(config)
  if (!locks) throw new Error('no shared lock for this configuration')
  onTestFinished(() => locks.close())
  return locks
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`write lock on ${backend.name}`, () => {
    it('lets one holder at a time in, across two services', async () => {
      const [a, b] = await backend.open()
      expect(a.kind).toBe(backend.name)
      let inside = 0
      let most = 0
      const entered: string[] = []
      const critical = async (locks: WriteLocks, who: string) => {
        const lease = await locks.acquire('acme.lock', 10_000)
        try {
          inside++
          most = Math.max(most, inside)
          entered.push(who)
          await sleep(15)
          await lease.check()
          inside--
        } finally {
          await lease.release()
        }
      }
      await Promise.all(
        Array.from({length: 8}, (_, i) => critical(i % 2 === 0 ? a : b, `${i % 2 === 0 ? 'a' : 'b'}${i}`)),
      )
      expect(most).toBe(1)
      expect(entered).toHaveLength(8)
      // Another name is another lock.
      const held = await a.acquire('acme.lock', 1000)
      const other = await b.acquire('globex.lock', 1000)
      await other.release()
      await held.release()
    })

    it('gives up after the wait with CONFLICT, and the lock is free once released', async () => {
      const [a, b] = await backend.open()
      const held = await a.acquire('acme.lock', 1000)
      const started = Date.now()
      await expect(b.acquire('acme.lock', 300)).rejects.toMatchObject({code: 'CONFLICT', status: 409})
      expect(Date.now() - started).toBeLessThan(3000)
      await held.release()
      const next = await b.acquire('acme.lock', 1000)
      await next.release()
    })

    it('fences a writer whose lock was lost: its commit does not move the ref', async () => {
      const [a, b] = await backend.open()
      const root = tempDir()
      const store = new GitStore(root, {lock: {shared: a, timeoutMs: 5000}})
      const repo = store.repo('acme')
      await repo.init()
      const change = (name: string) => ({
        operation: 'create' as const,
        name,
        version: '1.0.0',
        path: `backend_developer/${name}`,
        files: templateFiles(name, '1.0.0', {}, 'backend_developer'),
      })
      const first = await repo.withLock(() => repo.commit(change('first')))
      await expect(
        repo.withLock(async () => {
          await backend.loseLocks(a)
          // Another daemon takes the lock the moment it is free.
          const theirs = await b.acquire('acme.lock', 5000)
          try {
            return await repo.commit(change('second'))
          } finally {
            await theirs.release()
          }
        }),
      ).rejects.toMatchObject({code: 'LOCK_LOST', status: 503})
      expect(await repo.head()).toBe(first.commit)
      expect(git(repo.dir, 'log', '--format=%s', 'main').trim()).toBe('create first@1.0.0')
    })
  })
}

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`index fencing on ${dialect}`, () => {
    it('refuses to record a version when the namespace head is not the expected parent', async () => {
      const {index, close} = await openTestDb(dialect)
      onTestFinished(close)
      await index.recordVersion({...version({name: 'one'}), commit: 'a'.repeat(40), expectedHead: null})
      await expect(
        index.recordVersion({
          ...version({name: 'two'}),
          commit: 'b'.repeat(40),
          expectedHead: 'c'.repeat(40),
        }),
      ).rejects.toMatchObject({code: 'INDEX_HEAD_MOVED'})
      expect(await index.getNamespaceHead('public')).toBe('a'.repeat(40))
      expect(await index.findTemplate(['public'], 'two')).toBeUndefined()
      await expect(
        index.deleteTemplate('public', 'one', 'd'.repeat(40), 'e'.repeat(40)),
      ).rejects.toMatchObject({
        code: 'INDEX_HEAD_MOVED',
      })
      expect(await index.deleteTemplate('public', 'one', 'd'.repeat(40), 'a'.repeat(40))).toBe(true)
    })
  })
}

describe('write lock on a Redis that is down', () => {
  it('lets writes go on under the lock file alone (SQLite daemons share one machine)', async () => {
    const {startRedis} = await import('../../../bench/cluster.js')
    const redis = await startRedis(Number(process.env.WRITE_LOCK_TEST_REDIS_PORT ?? 18551))
    onTestFinished(() => redis.stop())
    const home = tempDir()
    const locks = openLocks({home, redisUrl: redis.url, redisKeyPrefix: 'maestro-test:'})
    const first = await locks.acquire('acme.lock', 2000)
    await expect(locks.acquire('acme.lock', 200)).rejects.toMatchObject({code: 'CONFLICT'})
    await first.release()

    redis.pause()
    try {
      const started = Date.now()
      const lease = await locks.acquire('acme.lock', 5000)
      // Not held until Redis answers: its command deadline (1 s) decides.
      expect(Date.now() - started).toBeLessThan(3000)
      await lease.check()
      await lease.release()
      // And a store using it still commits.
      const store = new GitStore(tempDir(), {lock: {shared: locks, timeoutMs: 5000}})
      const repo = store.repo('acme')
      await repo.withLock(() =>
        repo.commit({
          operation: 'create',
          name: 'offline',
          version: '1.0.0',
          path: 'backend_developer/offline',
          files: templateFiles('offline', '1.0.0', {}, 'backend_developer'),
        }),
      )
      expect(git(repo.dir, 'log', '--format=%s', 'main').trim()).toBe('create offline@1.0.0')
    } finally {
      redis.resume()
    }
  }, 30_000)
})
