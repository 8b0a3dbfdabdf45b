import type {Kysely} from 'kysely'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {createDb} from '../../../src/db/database.js'
import {migrateToLatest} from '../../../src/db/migrate.js'
import {NotFoundError} from '../../../src/domain/errors.js'
import {ProjectRecords} from '../../../src/update/projects.js'
import type {NewProject, ProjectsDatabase} from '../../../src/update/projects.js'
import {DIALECTS, createTestDatabase, unavailable} from '../db/helpers.js'
import type {TestDatabase} from '../db/helpers.js'

const project = (id: string, version: string, template = 'fastapi-service'): NewProject => ({
  id,
  template_id: `tid-${template}`,
  namespace: 'public',
  template,
  version,
  commit: 'c'.repeat(40),
  source: 'instantiate',
  name: null,
})

const VERSIONS = new Map([
  ['tid-fastapi-service', ['1.0.0', '1.2.0', '2.0.0']],
  ['tid-docs-site', ['0.1.0']],
])
const versionsOf = async (ids: string[]) => new Map(ids.map((id) => [id, VERSIONS.get(id) ?? []]))

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`project records (${dialect})`, () => {
    let database: TestDatabase
    let db: Kysely<ProjectsDatabase>
    beforeEach(async () => {
      database = await createTestDatabase(dialect)
      const kysely = createDb({url: database.url})
      await migrateToLatest(kysely)
      db = kysely as unknown as Kysely<ProjectsDatabase>
    })
    afterEach(async () => {
      await db.destroy()
      await database.drop()
    })

    it('records projects per tenant and lists the outdated ones (behind ^version)', async () => {
      const acme = new ProjectRecords(db, {tenant: 'acme', user: 'ana'})
      const other = new ProjectRecords(db, {tenant: 'other', user: 'bob'})
      await acme.record(project('11111111-1111-4111-8111-111111111111', '1.0.0'))
      await acme.record(project('22222222-2222-4222-8222-222222222222', '1.2.0'))
      await acme.record(project('33333333-3333-4333-8333-333333333333', '0.1.0', 'docs-site'))
      await other.record(project('44444444-4444-4444-8444-444444444444', '1.0.0'))

      const all = await acme.list({limit: 10, offset: 0}, versionsOf)
      expect(all.total).toBe(3)
      expect(all.items.every((p) => p.tenant === 'acme' && p.created_by === 'ana')).toBe(true)
      const outdated = await acme.list({outdated: true, limit: 10, offset: 0}, versionsOf)
      // 1.2.0 is the newest 1.x: 2.0.0 is a new major, not "compatible".
      expect(outdated.items.map((p) => [p.id.slice(0, 1), p.newer_compatible])).toEqual([['1', '1.2.0']])
      const page = await acme.list({limit: 1, offset: 1}, versionsOf)
      expect(page).toMatchObject({total: 3, limit: 1, offset: 1})
      expect(page.items).toHaveLength(1)
      expect((await acme.list({template: 'docs-site', limit: 10, offset: 0}, versionsOf)).total).toBe(1)
    })

    it('moves a project to its new version, and never across tenants', async () => {
      const acme = new ProjectRecords(db, {tenant: 'acme', user: 'ana'})
      const other = new ProjectRecords(db, {tenant: 'other', user: 'bob'})
      const id = '55555555-5555-4555-8555-555555555555'
      await acme.record(project(id, '1.0.0'))
      await acme.record({...project(id, '1.2.0'), source: 'register'})
      const moved = await acme.get(id, versionsOf)
      expect(moved).toMatchObject({version: '1.2.0', source: 'instantiate', outdated: false})
      await expect(other.record(project(id, '2.0.0'))).rejects.toBeInstanceOf(NotFoundError)
      await expect(other.get(id, versionsOf)).rejects.toBeInstanceOf(NotFoundError)
      expect((await acme.get(id, versionsOf)).version).toBe('1.2.0')
    })
  })
}
