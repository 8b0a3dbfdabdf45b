import {sql} from 'kysely'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {openTestDb, version} from './helpers.js'
import type {TestDb} from './helpers.js'

describe('TemplateIndex.search (sqlite)', () => {
  let t: TestDb
  beforeEach(async () => {
    t = await openTestDb()
  })
  afterEach(async () => {
    await t.close()
  })

  const names = async (namespaces: string[], q: Parameters<TestDb['index']['search']>[1]) =>
    (await t.index.search(namespaces, q)).items.map((i) => i.name)

  describe('text', () => {
    beforeEach(async () => {
      await t.index.recordVersion(version({name: 'fastapi-service', tags: ['python', 'api'], qualityScore: 90}))
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
      // Only the last word is a prefix.
      expect(await names(['public'], {text: 'dash react'})).toEqual([])
    })

    it('splits names and categories into words', async () => {
      expect((await names(['public'], {text: 'backend_developer'})).sort()).toEqual(['fastapi-service', 'kafka-consumer'])
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
      expect(await names(['public'], {category: 'backend_developer'})).toEqual(['fastapi-service', 'kafka-consumer'])
      expect(await names(['public'], {tags: ['python']})).toEqual(['fastapi-service', 'kafka-consumer'])
      expect(await names(['public'], {tags: ['python', 'kafka']})).toEqual(['kafka-consumer'])
      expect(await names(['public'], {tags: ['python', 'react']})).toEqual([])
      expect(await names(['public'], {tags: ['PYTHON ']})).toEqual(['fastapi-service', 'kafka-consumer'])
      expect(await names(['public'], {author: 'ui guild'})).toEqual(['react-dashboard'])
      expect(await names(['public'], {author: 'UI'})).toEqual([])
      expect(await names(['public'], {text: 'kafka', category: 'backend_developer', tags: ['python'], author: 'Data Team'})).toEqual(['kafka-consumer'])
      expect(await names(['public'], {text: 'kafka', category: 'frontend_developer'})).toEqual(['react-dashboard'])
      expect(await names(['public'], {category: 'backend'})).toEqual([])
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
        'x'.repeat(10_000),
        'a '.repeat(1_000),
        '🙂 fastapi',
      ]
      for (const text of hostile) {
        const result = await t.index.search(['public'], {text})
        expect(result.total, text).toBeGreaterThanOrEqual(0)
      }
      // `name:fastapi` is the phrase "name fastapi", not a column filter.
      expect(await names(['public'], {text: 'name:fastapi'})).toEqual([])
      expect(await names(['public'], {text: 'service:fastapi'})).toEqual([])
      expect(await names(['public'], {text: 'fastapi:service'})).toEqual(['fastapi-service'])
      expect(await names(['public'], {text: '(fastapi'})).toEqual(['fastapi-service', 'react-dashboard'])
      // AND is a word: react-dashboard's README says "FastAPI backend and shows".
      expect(await names(['public'], {text: 'fastapi AND'})).toEqual(['react-dashboard'])
      expect(await t.index.countTemplates(['public'])).toBe(3)
    })

    it('lists everything by name when the text has no words', async () => {
      expect(await names(['public'], {text: ' " * ( '})).toEqual(['fastapi-service', 'kafka-consumer', 'react-dashboard'])
      const {items} = await t.index.search(['public'], {})
      expect(items.every((i) => i.rank === 0)).toBe(true)
    })
  })

  describe('pagination', () => {
    beforeEach(async () => {
      await t.index.transaction(async (tx) => {
        for (let i = 0; i < 25; i++) {
          await tx.recordVersion(version({name: `svc-${String(i).padStart(2, '0')}`, description: `Service number ${i}`}))
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
      expect(await t.index.search(['public'], {limit: 0})).toEqual({items: [], total: 25})
      expect((await t.index.search(['public'], {limit: 3, offset: -4})).items.map((i) => i.name)).toEqual(['svc-00', 'svc-01', 'svc-02'])
    })
  })

  describe('namespaces', () => {
    it('never shows a tenant’s template to another tenant', async () => {
      await t.index.recordVersion(version({namespace: 'a', name: 'secret-sauce', description: 'Only for a'}))
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
      expect((await t.index.search(['a', 'b'], {text: 'fastapi', namespace: 'b'})).items.map((i) => i.description)).toEqual(['B flavour'])
      expect(await names(['a'], {text: 'flavour'})).toEqual(['fastapi-service'])
      expect((await t.index.search(['a'], {text: 'B'})).total).toBe(0)
    })
  })

  describe('index consistency', () => {
    const ftsRows = async () => {
      const {rows} = await sql<{n: number}>`SELECT count(*) AS n FROM templates_fts`.execute(t.db)
      return Number(rows[0]?.n)
    }
    const integrityCheck = () => sql`INSERT INTO templates_fts (templates_fts, rank) VALUES ('integrity-check', 0)`.execute(t.db)

    it('follows updates and deletes', async () => {
      await t.index.recordVersion(version({description: 'alpha words'}))
      await t.index.recordVersion(version({version: '2.0.0', description: 'bravo words', tags: ['go'], qualityScore: 80}))
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
