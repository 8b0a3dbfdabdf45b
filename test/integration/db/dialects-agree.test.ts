import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {QUERIES, rng, synthetic} from '../../../bench/search.js'
import type {SearchQuery} from '../../../src/registry/types.js'
import {openTestDb, unavailable, version} from './helpers.js'
import type {TestDb} from './helpers.js'

const COUNT = 600
const NAMESPACES = ['acme', 'public']

/** Every match of `q`, page by page, with the total. */
async function everything(t: TestDb, q: SearchQuery): Promise<{names: string[]; total: number}> {
  const names: string[] = []
  let total: number
  for (let offset = 0; ; offset += 100) {
    const page = await t.index.search(NAMESPACES, {...q, limit: 100, offset})
    total = page.total
    names.push(...page.items.map((i) => `${i.namespace}/${i.name}`))
    if (page.items.length < 100) break
  }
  return {names, total}
}

describe.skipIf(unavailable('postgres'))('SQLite and PostgreSQL agree on the same corpus', () => {
  const dbs: Record<'sqlite' | 'postgres', TestDb> = {} as never

  beforeAll(async () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const t = await openTestDb(dialect)
      dbs[dialect] = t
      const random = rng(7)
      await t.index.transaction(async (tx) => {
        for (let i = 0; i < COUNT; i++) await tx.recordVersion(synthetic(i, random))
        // Unambiguous queries: one template holds the word in its name, others only in
        // their READMEs or descriptions. Published at the same moments in both
        // databases (version() alone would stamp each call later), for sorts by update.
        const extras = [
          version({name: 'quokka-gateway', description: 'An edge gateway', tags: ['proxy']}),
          version({name: 'plain-proxy', description: 'Routes quokka traffic', tags: ['proxy']}),
          version({name: 'other-thing', readme: '# other\n\nMentions quokka once.\n'}),
          version({name: 'café-menu', description: 'Crème brûlée recipes', tags: ['Dessert']}),
        ]
        for (const [n, extra] of extras.entries())
          await tx.recordVersion({...extra, createdAt: new Date(Date.UTC(2026, 5, 1, 0, 0, n))})
      })
    }
  }, 180_000)
  afterAll(async () => {
    await Promise.all(Object.values(dbs).map((t) => t?.close()))
  })

  const shapes: {name: string; query: SearchQuery}[] = [
    ...QUERIES.filter((q) => q.query.offset === undefined),
    {name: 'phrase word', query: {text: 'quokka-gateway'}},
    {name: 'diacritics', query: {text: 'creme brulee'}},
    {name: 'prefix with diacritics', query: {text: 'caf'}},
    {name: 'tag, any case', query: {tags: ['dessert']}},
    {name: 'author, any case', query: {author: 'maestro team'}},
    {name: 'min score between whole numbers', query: {minScore: 64.5, text: 'data'}},
    {name: 'namespace', query: {namespace: 'acme', text: 'service'}},
    {name: 'word sorted by name', query: {text: 'docker', sort: 'name'}},
    {name: 'word sorted by score', query: {text: 'pipeline', sort: 'score'}},
    {name: 'filter sorted by updated', query: {category: 'qa_engineer', sort: 'updated'}},
    {name: 'all sorted by usage', query: {sort: 'usage'}},
  ]

  for (const {name, query} of shapes) {
    it(`same total and same matches: ${name}`, async () => {
      const sqlite = await everything(dbs.sqlite, query)
      const postgres = await everything(dbs.postgres, query)
      expect(postgres.total).toBe(sqlite.total)
      expect(postgres.names.length).toBe(sqlite.total)
      if (query.sort !== undefined || query.text === undefined) {
        // A listing's order is fully defined: it must be the same.
        expect(postgres.names).toEqual(sqlite.names)
      } else {
        expect([...postgres.names].sort()).toEqual([...sqlite.names].sort())
      }
    })
  }

  it('ranks the same template first for unambiguous queries, in the same tiers', async () => {
    for (const text of ['quokka', 'quokka gateway', 'creme', 'gateway']) {
      const sqlite = await dbs.sqlite.index.search(NAMESPACES, {text, limit: 100})
      const postgres = await dbs.postgres.index.search(NAMESPACES, {text, limit: 100})
      expect(postgres.items[0]?.name, text).toBe(sqlite.items[0]?.name)
    }
    const top = await dbs.postgres.index.search(NAMESPACES, {text: 'quokka'})
    // Name first, then the description (metadata tier), then the README-only match.
    expect(top.items.map((i) => i.name)).toEqual(['quokka-gateway', 'plain-proxy', 'other-thing'])
    expect(top.items[0]!.rank).toBeGreaterThan(top.items[1]!.rank)
  })
})
