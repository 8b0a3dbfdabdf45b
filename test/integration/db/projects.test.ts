import type {Kysely} from 'kysely'
import semver from 'semver'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {createMigrator, migrationSchema} from '../../../src/db/migrate.js'
import {ProjectRecords} from '../../../src/db/projects.js'
import type {NewProject} from '../../../src/db/projects.js'
import {prereleaseKey} from '../../../src/db/version-order.js'
import {NotFoundError} from '../../../src/domain/errors.js'
import {DIALECTS, openTestDb, unavailable, version} from './helpers.js'
import type {TestDb} from './helpers.js'

/** Published versions, prereleases among them, in no order. */
const PUBLISHED = [
  '0.0.1',
  '0.0.2',
  '0.1.0',
  '0.1.1',
  '0.2.0-rc.1',
  '0.2.0',
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0',
  '1.0.1',
  '1.2.0',
  '1.10.0',
  '1.10.1-rc.1',
  '2.0.0-rc.1',
  '2.0.0-rc.10',
  '2.0.0-rc.2',
]
/** Project versions: every published one and some never published (a deleted version, a project ahead). */
const AT = [
  ...PUBLISHED,
  '0.0.3',
  '0.1.5',
  '1.0.0-alpha.0',
  '1.5.0',
  '1.10.1',
  '2.0.0-rc.3',
  '2.0.0-rc.10a',
  '3.0.0',
]

/** What `maestro-tpl check` computes for a project at `v`: the newest of `^v`, when newer. */
const expected = (v: string): string | null => {
  const newest = semver.maxSatisfying(PUBLISHED, `^${v}`, {includePrerelease: false})
  return newest !== null && semver.gt(newest, v) ? newest : null
}

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`project records (${dialect})`, () => {
    let t: TestDb
    let templateId: string
    const project = (id: string, v: string, template = 'fastapi-service'): NewProject => ({
      id,
      template_id: template === 'fastapi-service' ? templateId : `tid-${template}`,
      namespace: 'public',
      template,
      version: v,
      commit: 'c'.repeat(40),
      source: 'instantiate',
      name: null,
    })

    beforeEach(async () => {
      t = await openTestDb(dialect)
      for (const v of PUBLISHED) templateId = (await t.index.recordVersion(version({version: v}))).templateId
    })
    afterEach(async () => {
      await t.close()
    })

    it('finds the newest compatible version in the database exactly as semver.maxSatisfying(^version) does', async () => {
      const records = new ProjectRecords(t.db, {tenant: 'acme', user: 'ana'})
      for (const [i, v] of AT.entries()) await records.record(project(uuid(i), v))
      const {items, total} = await records.list({limit: 100, offset: 0})
      expect(total).toBe(AT.length)
      const got = Object.fromEntries(items.map((p) => [p.version, p.newer_compatible]))
      const want = Object.fromEntries(AT.map((v) => [v, expected(v)]))
      expect(got).toEqual(want)
      // The cases that make the rules: 0.0.z never moves, 0.y.z moves in its minor, prereleases in their x.y.z.
      expect(want).toMatchObject({
        '0.0.1': null,
        '0.1.0': '0.1.1',
        '0.2.0-rc.1': '0.2.0',
        '1.0.0-beta.2': '1.10.0',
        '2.0.0-rc.2': '2.0.0-rc.10',
        '2.0.0-rc.10': null,
        '1.10.1': null,
      })
      for (const p of items) expect(p.outdated).toBe(p.newer_compatible !== null)

      const outdated = AT.filter((v) => expected(v) !== null)
      const all = await records.list({outdated: true, limit: 100, offset: 0})
      expect(all.total).toBe(outdated.length)
      expect(all.items.map((p) => p.version).sort()).toEqual([...outdated].sort())
      // Paged by the database: pages of the same order, and the same total on each.
      const pages = []
      for (let offset = 0; offset < outdated.length; offset += 4) {
        const page = await records.list({outdated: true, limit: 4, offset})
        expect(page).toMatchObject({total: outdated.length, limit: 4, offset})
        pages.push(...page.items)
      }
      expect(pages.map((p) => p.id)).toEqual(all.items.map((p) => p.id))
      expect(all.items.map((p) => p.created_at)).toEqual(
        [...all.items.map((p) => p.created_at)].sort().reverse(),
      )
    })

    it('keeps tenants apart, filters by template, and says no template versions means not outdated', async () => {
      const acme = new ProjectRecords(t.db, {tenant: 'acme', user: 'ana'})
      const other = new ProjectRecords(t.db, {tenant: 'other', user: 'bob'})
      await acme.record(project(uuid(1), '1.0.0'))
      await acme.record(project(uuid(2), '1.10.0'))
      await acme.record(project(uuid(3), '0.1.0', 'docs-site'))
      await other.record(project(uuid(4), '1.0.0'))
      const all = await acme.list({limit: 10, offset: 0})
      expect(all.total).toBe(3)
      expect(all.items.every((p) => p.tenant === 'acme' && p.created_by === 'ana')).toBe(true)
      const outdated = await acme.list({outdated: true, limit: 10, offset: 0})
      expect(outdated.items.map((p) => [p.id, p.newer_compatible])).toEqual([[uuid(1), '1.10.0']])
      expect((await acme.list({template: 'docs-site', limit: 10, offset: 0})).total).toBe(1)
      expect(await acme.list({outdated: true, template: 'docs-site', limit: 10, offset: 0})).toMatchObject({
        total: 0,
        items: [],
      })
      expect(Object.keys(all.items[0]!).sort()).toEqual(
        [
          'id',
          'tenant',
          'template_id',
          'namespace',
          'template',
          'version',
          'commit',
          'source',
          'name',
          'created_by',
          'created_at',
          'updated_at',
          'newer_compatible',
          'outdated',
        ].sort(),
      )
    })

    it('moves a project to its new version, says when nothing moved, and never crosses tenants', async () => {
      const acme = new ProjectRecords(t.db, {tenant: 'acme', user: 'ana'})
      const other = new ProjectRecords(t.db, {tenant: 'other', user: 'bob'})
      const id = uuid(5)
      expect(await acme.record(project(id, '1.0.0'))).toBe('recorded')
      expect((await acme.get(id)).newer_compatible).toBe('1.10.0')
      expect(await acme.record({...project(id, '1.10.0'), source: 'register'})).toBe('moved')
      expect(await acme.record(project(id, '1.10.0'))).toBe('unchanged')
      expect(await acme.get(id)).toMatchObject({version: '1.10.0', source: 'instantiate', outdated: false})
      await expect(other.record(project(id, '2.0.0-rc.1'))).rejects.toBeInstanceOf(NotFoundError)
      await expect(other.get(id)).rejects.toBeInstanceOf(NotFoundError)
      expect((await acme.get(id)).version).toBe('1.10.0')
    })
  })

  describe.skipIf(unavailable(dialect))(`project versions migration (${dialect})`, () => {
    it('fills the version columns of the rows already there', async () => {
      const t = await openTestDb(dialect)
      try {
        const migrator = createMigrator(t.db, await migrationSchema(t.db))
        expect((await migrator.migrateTo('2026_12_07_0101_projects')).error).toBeUndefined()
        await t.db.schema.alterTable('template_versions').addColumn('prerelease_key', 'text').execute()
        const id = (await t.index.recordVersion(version({version: '2.0.0-rc.10'}))).templateId
        await t.db.schema.alterTable('template_versions').dropColumn('prerelease_key').execute()
        await (t.db as never as Kysely<Record<string, Record<string, unknown>>>)
          .insertInto('projects')
          .values({
            id: uuid(9),
            tenant: 'acme',
            template_id: id,
            namespace: 'public',
            template: 'fastapi-service',
            version: '2.0.0-rc.2',
            commit: 'c',
            source: 'register',
            name: null,
            created_by: 'ana',
            created_at: '2026-12-07T00:00:00.000Z',
            updated_at: '2026-12-07T00:00:00.000Z',
          })
          .execute()
        expect((await migrator.migrateToLatest()).error).toBeUndefined()
        const tv = await t.db
          .selectFrom('template_versions')
          .select('prerelease_key')
          .executeTakeFirstOrThrow()
        expect(tv.prerelease_key).toBe(prereleaseKey(['rc', 10]))
        const p = await t.db.selectFrom('projects').selectAll().executeTakeFirstOrThrow()
        expect(p).toMatchObject({major: 2, minor: 0, patch: 0, prerelease_key: prereleaseKey(['rc', 2])})
        const acme = new ProjectRecords(t.db, {tenant: 'acme', user: 'ana'})
        expect((await acme.get(uuid(9))).newer_compatible).toBe('2.0.0-rc.10')
      } finally {
        await t.close()
      }
    })
  })
}
