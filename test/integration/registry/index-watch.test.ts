/**
 * The index watch on a real index, per dialect: another process's write (a second
 * connection) invalidates this process's cache, and concurrent reads share queries.
 */
import {describe, expect, it, onTestFinished, vi} from 'vitest'

import {MemoryCache} from '../../../src/cache/cache.js'
import {createDb} from '../../../src/db/database.js'
import {TemplateIndex} from '../../../src/db/template-index.js'
import {IndexWatch} from '../../../src/registry/index-watch.js'
import {DIALECTS, openTestDb, unavailable, version} from '../db/helpers.js'

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`IndexWatch (${dialect})`, () => {
    async function setup() {
      const test = await openTestDb(dialect)
      // Another process: its own connection to the same database.
      const otherDb = createDb({url: test.url})
      onTestFinished(async () => {
        await otherDb.destroy()
        await test.close()
      })
      const cache = new MemoryCache()
      return {
        index: test.index,
        other: new TemplateIndex(otherDb),
        cache,
        watch: new IndexWatch(test.index, cache),
      }
    }

    it('drops cached reads of a namespace another connection wrote to, and only those', async () => {
      const {index, other, cache, watch} = await setup()
      await index.recordVersion(version({namespace: 'acme'}))
      await index.recordVersion(version({namespace: 'public', name: 'shared'}))
      const load = vi.fn(async () => 'loaded')
      const read = async (ns: string) => {
        await watch.check([ns])
        return cache.getOrLoad([ns], `key-${ns}`, load)
      }
      await read('acme')
      await read('public')
      await read('acme')
      await read('public')
      expect(load).toHaveBeenCalledTimes(2)

      await other.recordVersion(version({namespace: 'acme', name: 'new-one'}))
      await read('acme')
      await read('public')
      expect(load).toHaveBeenCalledTimes(3)
    })

    it('answers many concurrent checks with few queries, none older than the caller', async () => {
      const {index, cache, watch} = await setup()
      await index.recordVersion(version({namespace: 'acme'}))
      const queries = vi.spyOn(index, 'generations')
      await Promise.all(
        Array.from({length: 50}, (_, i) => watch.check(i % 2 ? ['acme'] : ['acme', 'public'])),
      )
      expect(queries.mock.calls.length).toBeGreaterThanOrEqual(1)
      expect(queries.mock.calls.length).toBeLessThanOrEqual(2)
      // A check that comes while a query is in flight waits for a query of its own time.
      const invalidate = vi.spyOn(cache, 'invalidate')
      const first = watch.check(['acme'])
      const writes = index.recordVersion(version({namespace: 'acme', name: 'late'}))
      await writes
      const second = watch.check(['acme'])
      await Promise.all([first, second])
      expect(invalidate).toHaveBeenCalledWith('acme')
    })
  })
}
