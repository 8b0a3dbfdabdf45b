import {sql} from 'kysely'
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {searchBackendFor} from '../../../src/db/search/backend.js'
import type {BackendQuery} from '../../../src/db/search/backend.js'
import {EXACT_TOTAL_UP_TO} from '../../../src/db/search/count.js'
import type {Category} from '../../../src/domain/types.js'
import {DIALECTS, openTestDb, unavailable, version} from './helpers.js'
import type {TestDb} from './helpers.js'

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`TemplateIndex.search (${dialect})`, () => {
    let t: TestDb
    beforeEach(async () => {
      t = await openTestDb(dialect)
    })
    afterEach(async () => {
      await t.close()
    })

    const names = async (namespaces: string[], q: Parameters<TestDb['index']['search']>[1]) =>
      (await t.index.search(namespaces, q)).items.map((i) => i.name)

    describe('text', () => {
      beforeEach(async () => {
        await t.index.recordVersion(
          version({name: 'fastapi-service', tags: ['python', 'api'], qualityScore: 90}),
        )
        await t.index.recordVersion(
          version({
            name: 'react-dashboard',
            description: 'Admin dashboard in React',
            category: 'frontend_developer',
            tags: ['react', 'typescript'],
            author: 'UI Guild',
            readme: '# react-dashboard\n\nTalks to a FastAPI backend and shows kafka lag.\n',
            qualityScore: 72.5,
          }),
        )
        await t.index.recordVersion(
          version({
            name: 'kafka-consumer',
            description: 'Kafka consumer with retries',
            category: 'backend_developer',
            tags: ['python', 'kafka'],
            author: 'Data Team',
            readme: '# kafka-consumer\n',
            qualityScore: null,
          }),
        )
      })

      it('ranks a name match above a README match', async () => {
        const {items} = await t.index.search(['public'], {text: 'kafka'})
        expect(items.map((i) => i.name)).toEqual(['kafka-consumer', 'react-dashboard'])
        expect(items[0]!.rank).toBeGreaterThan(items[1]!.rank)
        expect(items[1]!.rank).toBeGreaterThan(0)
      })

      it('returns summaries with the latest version', async () => {
        const {items} = await t.index.search(['public'], {text: 'dashboard'})
        expect(items).toEqual([
          expect.objectContaining({
            name: 'react-dashboard',
            namespace: 'public',
            version: '1.0.0',
            description: 'Admin dashboard in React',
            category: 'frontend_developer',
            author: 'UI Guild',
            tags: ['react', 'typescript'],
            quality_score: 72.5,
            id: expect.any(String),
            updated_at: expect.any(String),
          }),
        ])
      })

      it('prefix-matches the last word', async () => {
        expect(await names(['public'], {text: 'fast'})).toEqual(['fastapi-service', 'react-dashboard'])
        expect(await names(['public'], {text: 'fastapi-serv'})).toEqual(['fastapi-service'])
        expect(await names(['public'], {text: 'dash'})).toEqual(['react-dashboard'])
        expect(await names(['public'], {text: 'kaf'})).toEqual(['kafka-consumer', 'react-dashboard'])
        // Only the last word is a prefix, and only from three letters.
        expect(await names(['public'], {text: 'dash react'})).toEqual([])
        expect(await names(['public'], {text: 'ka'})).toEqual([])
      })

      it('splits names and categories into words', async () => {
        expect((await names(['public'], {text: 'backend_developer'})).sort()).toEqual([
          'fastapi-service',
          'kafka-consumer',
        ])
        expect(await names(['public'], {text: 'service'})).toEqual(['fastapi-service'])
        expect(await names(['public'], {text: 'fastapi_service'})).toEqual(['fastapi-service'])
      })

      it('ANDs words', async () => {
        expect(await names(['public'], {text: 'kafka retries'})).toEqual(['kafka-consumer'])
        expect(await names(['public'], {text: 'kafka nothing-like-this'})).toEqual([])
      })

      it('ignores case and diacritics', async () => {
        expect(await names(['public'], {text: 'KAFKA CONSUMÉR'})).toEqual(['kafka-consumer'])
      })

      it('filters by category, tags (all of them), author and together', async () => {
        expect(await names(['public'], {category: 'backend_developer'})).toEqual([
          'fastapi-service',
          'kafka-consumer',
        ])
        expect(await names(['public'], {tags: ['python']})).toEqual(['fastapi-service', 'kafka-consumer'])
        expect(await names(['public'], {tags: ['python', 'kafka']})).toEqual(['kafka-consumer'])
        expect(await names(['public'], {tags: ['python', 'react']})).toEqual([])
        expect(await names(['public'], {tags: ['PYTHON ']})).toEqual(['fastapi-service', 'kafka-consumer'])
        expect(await names(['public'], {author: 'ui guild'})).toEqual(['react-dashboard'])
        expect(await names(['public'], {author: 'UI'})).toEqual([])
        expect(
          await names(['public'], {
            text: 'kafka',
            category: 'backend_developer',
            tags: ['python'],
            author: 'Data Team',
          }),
        ).toEqual(['kafka-consumer'])
        expect(await names(['public'], {text: 'kafka', category: 'frontend_developer'})).toEqual([
          'react-dashboard',
        ])
        expect(await names(['public'], {category: 'backend' as Category})).toEqual([])
      })

      it('filters by minimum quality score, leaving unscored templates out', async () => {
        expect(await names(['public'], {minScore: 70})).toEqual(['fastapi-service', 'react-dashboard'])
        expect(await names(['public'], {minScore: 72.5})).toEqual(['fastapi-service', 'react-dashboard'])
        expect(await names(['public'], {minScore: 73})).toEqual(['fastapi-service'])
        expect(await names(['public'], {minScore: 90})).toEqual(['fastapi-service'])
        expect(await names(['public'], {minScore: 95})).toEqual([])
        expect(await names(['public'], {minScore: 0})).toEqual(['fastapi-service', 'react-dashboard'])
        expect(await names(['public'], {text: 'fastapi', minScore: 80})).toEqual(['fastapi-service'])
        expect((await t.index.search(['public'], {text: 'fastapi', minScore: 75})).total).toBe(1)
        expect(await names(['public'], {minScore: 101})).toEqual([])
      })

      it('never throws on query syntax and treats it as text', async () => {
        const hostile = [
          '"',
          '""',
          '"fastapi',
          '*',
          'fast*',
          'AND',
          'fastapi AND',
          'OR NOT',
          'NEAR(',
          'NEAR(fastapi kafka, 2)',
          '-',
          '-fastapi',
          'name:fastapi',
          ':',
          '{name}: fastapi',
          '(',
          ')',
          '(fastapi',
          '^fastapi',
          "'; DROP TABLE templates; --",
          '\u0000',
          'fast\u0000api',
          'fastapi\u0000"',
          '\u0007\u001b[31m',
          '\ud800 fastapi \udfff',
          'x'.repeat(10_000),
          'a '.repeat(1_000),
          '🙂 fastapi',
        ]
        for (const text of hostile) {
          const result = await t.index.search(['public'], {text})
          expect(result.total, text).toBeGreaterThanOrEqual(0)
          // Filter values never reach the query syntax either.
          const filtered = await t.index.search(['public'], {
            text,
            category: text as Category,
            tags: [text],
            author: text,
          })
          expect(filtered.total, text).toBe(0)
        }
        expect(await names(['public'], {text: 'fastapi\u0000serv'})).toEqual(['fastapi-service'])
        // `name:fastapi` is the phrase "name fastapi", not a column filter.
        expect(await names(['public'], {text: 'name:fastapi'})).toEqual([])
        expect(await names(['public'], {text: 'service:fastapi'})).toEqual([])
        expect(await names(['public'], {text: 'fastapi:service'})).toEqual(['fastapi-service'])
        expect(await names(['public'], {text: '(fastapi'})).toEqual(['fastapi-service', 'react-dashboard'])
        // AND is a word: react-dashboard's README says "FastAPI backend and shows".
        expect(await names(['public'], {text: 'fastapi AND'})).toEqual(['react-dashboard'])
        expect(await t.index.countTemplates(['public'])).toBe(3)
      })

      it('sorts by usage, quality score, last update or name, ties by name', async () => {
        const ids = Object.fromEntries(
          (await t.index.search(['public'], {})).items.map((i) => [i.name, i.id] as const),
        )
        for (let i = 0; i < 3; i++) await t.index.incrementUsage(ids['kafka-consumer']!)
        await t.index.incrementUsage(ids['react-dashboard']!)
        expect(await names(['public'], {sort: 'usage'})).toEqual([
          'kafka-consumer',
          'react-dashboard',
          'fastapi-service',
        ])
        // Unscored templates last.
        expect(await names(['public'], {sort: 'score'})).toEqual([
          'fastapi-service',
          'react-dashboard',
          'kafka-consumer',
        ])
        expect(await names(['public'], {sort: 'updated'})).toEqual([
          'kafka-consumer',
          'react-dashboard',
          'fastapi-service',
        ])
        // With text: the matches only, in the order asked for, with no rank.
        const byUsage = await t.index.search(['public'], {text: 'kafka', sort: 'usage'})
        expect(byUsage.items.map((i) => i.name)).toEqual(['kafka-consumer', 'react-dashboard'])
        expect(byUsage.items.every((i) => i.rank === 0)).toBe(true)
        expect(await names(['public'], {text: 'fast', sort: 'name'})).toEqual([
          'fastapi-service',
          'react-dashboard',
        ])
        expect(await names(['public'], {tags: ['python'], sort: 'usage'})).toEqual([
          'kafka-consumer',
          'fastapi-service',
        ])
        // Relevance without words is by name.
        expect(await names(['public'], {sort: 'relevance'})).toEqual([
          'fastapi-service',
          'kafka-consumer',
          'react-dashboard',
        ])
        await expect(t.index.search(['public'], {sort: 'popularity' as never})).rejects.toMatchObject({
          code: 'USAGE_ERROR',
        })
      })

      it('lists everything by name when the text has no words', async () => {
        expect(await names(['public'], {text: ' " * ( '})).toEqual([
          'fastapi-service',
          'kafka-consumer',
          'react-dashboard',
        ])
        const {items} = await t.index.search(['public'], {})
        expect(items.every((i) => i.rank === 0)).toBe(true)
      })
    })

    describe('pagination', () => {
      beforeEach(async () => {
        await t.index.transaction(async (tx) => {
          for (let i = 0; i < 25; i++) {
            await tx.recordVersion(
              version({name: `svc-${String(i).padStart(2, '0')}`, description: `Service number ${i}`}),
            )
          }
        })
      })

      it('pages through text results with a stable total', async () => {
        const seen: string[] = []
        for (const offset of [0, 10, 20]) {
          const page = await t.index.search(['public'], {text: 'service', limit: 10, offset})
          expect(page.total).toBe(25)
          seen.push(...page.items.map((i) => i.name))
        }
        expect(new Set(seen).size).toBe(25)
        expect((await t.index.search(['public'], {text: 'service', limit: 10, offset: 30})).total).toBe(25)
      })

      it('pages through listings by name', async () => {
        const page = await t.index.search(['public'], {limit: 5, offset: 5})
        expect(page.total).toBe(25)
        expect(page.items.map((i) => i.name)).toEqual(['svc-05', 'svc-06', 'svc-07', 'svc-08', 'svc-09'])
      })

      it('clamps limit and offset', async () => {
        expect((await t.index.search(['public'], {})).items).toHaveLength(20)
        expect((await t.index.search(['public'], {limit: 1000})).items).toHaveLength(25)
        expect(await t.index.search(['public'], {limit: 0})).toEqual({items: [], total: 25, totalExact: true})
        expect((await t.index.search(['public'], {limit: 3, offset: -4})).items.map((i) => i.name)).toEqual([
          'svc-00',
          'svc-01',
          'svc-02',
        ])
      })
    })

    describe('counting', () => {
      // 25 templates say "service" in their description (the ranking's first tier), 5
      // more only in their README (the second tier), 3 do not say it at all.
      beforeEach(async () => {
        await t.index.transaction(async (tx) => {
          for (let i = 0; i < 25; i++) {
            const name = `svc-${String(i).padStart(2, '0')}`
            await tx.recordVersion(version({name, description: `Service number ${i}`, author: 'Ops'}))
          }
          for (let i = 0; i < 5; i++) {
            const name = `doc-${i}`
            const readme = `# ${name}\n\nRuns as a service.\n`
            await tx.recordVersion(version({name, description: 'Worker', readme, author: 'Ops'}))
          }
          for (let i = 0; i < 3; i++)
            await tx.recordVersion(version({name: `other-${i}`, description: 'Other'}))
        })
      })

      /** The backend itself, to count up to fewer than EXACT_TOTAL_UP_TO. */
      const search = (q: Partial<BackendQuery>) =>
        searchBackendFor(t.db).search(t.db, {
          namespaces: ['public'],
          sort: q.text === undefined ? 'name' : 'relevance',
          limit: 10,
          offset: 0,
          countUpTo: undefined,
          ...q,
        })

      const shapes: {name: string; query: Partial<BackendQuery>; matches: number}[] = [
        {name: 'ranked text', query: {text: 'service'}, matches: 30},
        {name: 'text by name', query: {text: 'service', sort: 'name'}, matches: 30},
        {name: 'a filter', query: {author: 'Ops'}, matches: 30},
        {name: 'everything', query: {}, matches: 33},
      ]
      for (const {name, query, matches} of shapes) {
        it(`${name}: counts exactly up to the cap, then reports a lower bound`, async () => {
          expect(await search({...query, countUpTo: undefined})).toMatchObject({
            total: matches,
            totalExact: true,
          })
          expect(await search({...query, countUpTo: matches})).toMatchObject({
            total: matches,
            totalExact: true,
          })
          expect(await search({...query, countUpTo: matches - 1})).toMatchObject({
            total: matches - 1,
            totalExact: false,
          })
          expect(await search({...query, countUpTo: 7})).toMatchObject({total: 7, totalExact: false})
        })

        it(`${name}: pages past a capped count, every match once`, async () => {
          const pages = async (countUpTo: number | undefined) => {
            const seen: string[] = []
            for (let offset = 0; ; offset += 10) {
              const page = await search({...query, countUpTo, offset})
              seen.push(...page.items.map((i) => i.name))
              if (page.items.length < 10) return seen
            }
          }
          const exact = await pages(undefined)
          const capped = await pages(7)
          expect(new Set(capped).size).toBe(matches)
          expect([...capped].sort()).toEqual([...exact].sort())
          // (A small result set is ranked in one statement, a large one tier by tier, so
          // scores may differ between the two; the tiers may not.)
          if (query.text !== undefined && query.sort === undefined)
            expect(capped.slice(0, 25).every((n) => n.startsWith('svc-'))).toBe(true)
        })
      }

      it('a page past the last match is empty, with or without an exact count', async () => {
        expect(await search({text: 'service', offset: 40})).toEqual({items: [], total: 30, totalExact: true})
        expect(await search({text: 'service', offset: 40, countUpTo: 7})).toEqual({
          items: [],
          total: 7,
          totalExact: false,
        })
      })

      it('counts every match when asked (exactTotal), up to 10,000 otherwise', async () => {
        expect(await t.index.search(['public'], {text: 'service', limit: 1})).toMatchObject({
          total: 30,
          totalExact: true,
        })
        expect(await t.index.search(['public'], {text: 'service', limit: 1, exactTotal: true})).toMatchObject(
          {
            total: 30,
            totalExact: true,
          },
        )
        expect(EXACT_TOTAL_UP_TO).toBe(10_000)
      })
    })

    describe('namespaces', () => {
      it('never shows a tenant’s template to another tenant', async () => {
        await t.index.recordVersion(
          version({namespace: 'a', name: 'secret-sauce', description: 'Only for a'}),
        )
        await t.index.recordVersion(version({namespace: 'public', name: 'shared'}))
        expect(await names(['b', 'public'], {text: 'secret'})).toEqual([])
        expect(await names(['b', 'public'], {text: 'secret', namespace: 'a'})).toEqual([])
        expect(await names(['b', 'public'], {})).toEqual(['shared'])
        expect((await t.index.search(['b', 'public'], {author: 'Maestro Team'})).total).toBe(1)
        expect(await names(['a', 'public'], {text: 'secret'})).toEqual(['secret-sauce'])
        expect(await names([], {})).toEqual([])
      })

      it('keeps the same name apart in two namespaces', async () => {
        await t.index.recordVersion(version({namespace: 'a', description: 'A flavour'}))
        await t.index.recordVersion(version({namespace: 'b', description: 'B flavour'}))
        const both = await t.index.search(['a', 'b'], {text: 'fastapi'})
        expect(both.items.map((i) => i.namespace).sort()).toEqual(['a', 'b'])
        expect(
          (await t.index.search(['a', 'b'], {text: 'fastapi', namespace: 'b'})).items.map(
            (i) => i.description,
          ),
        ).toEqual(['B flavour'])
        expect(await names(['a'], {text: 'flavour'})).toEqual(['fastapi-service'])
        expect((await t.index.search(['a'], {text: 'B'})).total).toBe(0)
      })
    })

    describe('index consistency', () => {
      const ftsRows = async () => {
        const table = dialect === 'sqlite' ? sql`templates_fts` : sql`template_search`
        const {rows} = await sql<{n: number}>`SELECT count(*) AS n FROM ${table}`.execute(t.db)
        return Number(rows[0]?.n)
      }
      // FTS5 checks its index against itself; a tsvector row has nothing to disagree with.
      const integrityCheck = async () => {
        if (dialect === 'sqlite')
          await sql`INSERT INTO templates_fts (templates_fts, rank) VALUES ('integrity-check', 0)`.execute(
            t.db,
          )
      }

      it('follows updates and deletes', async () => {
        await t.index.recordVersion(version({description: 'alpha words'}))
        await t.index.recordVersion(
          version({version: '2.0.0', description: 'bravo words', tags: ['go'], qualityScore: 80}),
        )
        expect(await names(['public'], {text: 'alpha'})).toEqual([])
        expect(await names(['public'], {text: 'bravo'})).toEqual(['fastapi-service'])
        expect(await names(['public'], {tags: ['python']})).toEqual([])
        expect(await names(['public'], {tags: ['go'], minScore: 80})).toEqual(['fastapi-service'])
        expect(await ftsRows()).toBe(1)
        await integrityCheck()

        await t.index.recordVersion(version({name: 'other'}))
        await t.index.deleteTemplate('public', 'fastapi-service', 'c1')
        expect(await names(['public'], {text: 'bravo'})).toEqual([])
        expect(await names(['public'], {tags: ['go']})).toEqual([])
        expect(await ftsRows()).toBe(1)
        await t.index.clearNamespace('public')
        expect(await ftsRows()).toBe(0)
        await integrityCheck()
      })

      it('rolls the search row back with a failed transaction', async () => {
        await t.index.recordVersion(version({description: 'alpha'}))
        await expect(
          t.index.transaction(async (tx) => {
            await tx.recordVersion(version({version: '2.0.0', description: 'bravo'}))
            throw new Error('boom')
          }),
        ).rejects.toThrow('boom')
        expect(await names(['public'], {text: 'bravo'})).toEqual([])
        expect(await names(['public'], {text: 'alpha'})).toEqual(['fastapi-service'])
        await integrityCheck()
      })
    })
  })
}

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`TemplateIndex.search at scale (${dialect})`, () => {
    let t: TestDb
    // Enough rows to take the paths for large result sets: two-statement ranking
    // (over 1000 matches) and listings that walk the name index (over 2000).
    const COUNT = 2400

    beforeAll(async () => {
      t = await openTestDb(dialect)
      await t.index.transaction(async (tx) => {
        for (let i = 0; i < COUNT; i++) {
          const inName = i % 7 === 0
          await tx.recordVersion(
            version({
              name: `${inName ? 'widget' : 'thing'}-${String(i).padStart(4, '0')}`,
              description: 'A generated template',
              tags: i % 2 === 0 ? ['even'] : ['odd'],
              category: i % 3 === 0 ? 'qa_engineer' : 'devops_engineer',
              readme: `# generated\n\nEvery template mentions widget here.\n`,
              qualityScore: i % 101,
              namespace: i % 10 === 9 ? 'other' : 'public',
            }),
          )
        }
      })
    }, 120_000)
    afterAll(async () => {
      await t.close()
    })

    const visible = Array.from({length: COUNT}, (_, i) => i).filter((i) => i % 10 !== 9)

    it('ranks metadata matches before README-only matches across pages', async () => {
      const inName = visible.filter((i) => i % 7 === 0).length
      const seen: string[] = []
      for (let offset = 0; offset < visible.length; offset += 100) {
        const page = await t.index.search(['public'], {text: 'widget', limit: 100, offset})
        expect(page.total).toBe(visible.length)
        seen.push(...page.items.map((i) => i.name))
      }
      expect(new Set(seen).size).toBe(visible.length)
      expect(seen.slice(0, inName).every((name) => name.startsWith('widget-'))).toBe(true)
      expect(seen.slice(inName).every((name) => name.startsWith('thing-'))).toBe(true)
      // A page that straddles the two tiers.
      const straddle = await t.index.search(['public'], {text: 'widget', limit: 10, offset: inName - 5})
      expect(straddle.items.map((i) => i.name.split('-')[0])).toEqual([
        ...Array(5).fill('widget'),
        ...Array(5).fill('thing'),
      ])
    })

    it('ranks a filtered set of under 1000 in one pass, tiers first', async () => {
      const expected = visible.filter((i) => i % 2 === 0 && i % 3 === 0)
      const page = await t.index.search(['public'], {
        text: 'widget',
        tags: ['even'],
        category: 'qa_engineer',
        limit: 100,
      })
      expect(page.total).toBe(expected.length)
      const names = page.items.map((i) => i.name)
      const firstThing = names.findIndex((n) => n.startsWith('thing-'))
      expect(names.slice(0, firstThing).every((n) => n.startsWith('widget-'))).toBe(true)
      expect(names.slice(firstThing).every((n) => n.startsWith('thing-'))).toBe(true)
    })

    it('lists thousands by name, filtered or not, and pages to the end', async () => {
      const sorted = visible
        .map((i) => `${i % 7 === 0 ? 'widget' : 'thing'}-${String(i).padStart(4, '0')}`)
        .sort()
      const all = await t.index.search(['public'], {limit: 5, offset: 0})
      expect(all.total).toBe(visible.length)
      expect(all.items.map((i) => i.name)).toEqual(sorted.slice(0, 5))
      const last = await t.index.search(['public'], {limit: 100, offset: visible.length - 3})
      expect(last.items.map((i) => i.name)).toEqual(sorted.slice(-3))
      // Every template has a score, so this filter matches them all, through the index.
      const scored = await t.index.search(['public'], {minScore: 0, limit: 5, offset: 2})
      expect(scored.total).toBe(visible.length)
      expect(scored.items.map((i) => i.name)).toEqual(sorted.slice(2, 7))

      const devops = visible.filter((i) => i % 3 !== 0)
      const filtered = await t.index.search(['public'], {category: 'devops_engineer', limit: 3, offset: 1})
      expect(filtered.total).toBe(devops.length)
      const devopsNames = devops
        .map((i) => `${i % 7 === 0 ? 'widget' : 'thing'}-${String(i).padStart(4, '0')}`)
        .sort()
      expect(filtered.items.map((i) => i.name)).toEqual(devopsNames.slice(1, 4))
    })

    it('applies a minimum score between whole numbers exactly', async () => {
      const expected = visible.filter((i) => i % 101 >= 72.5).length
      expect((await t.index.search(['public'], {minScore: 72.5, limit: 0})).total).toBe(expected)
      expect((await t.index.search(['public'], {text: 'widget', minScore: 72.5, limit: 1})).total).toBe(
        expected,
      )
      expect((await t.index.search(['public'], {minScore: 73, limit: 0})).total).toBe(expected)
    })

    it('keeps other namespaces out of large result sets', async () => {
      const other = await t.index.search(['other'], {text: 'widget', limit: 100})
      expect(other.total).toBe(COUNT / 10)
      expect(other.items.every((i) => i.namespace === 'other')).toBe(true)
      const both = await t.index.search(['other', 'public'], {text: 'widget', limit: 0})
      expect(both.total).toBe(COUNT)
    })
  })
}
