import {sql} from 'kysely'
import {afterEach, describe, expect, it} from 'vitest'

import {capabilitiesOf, capabilitiesOfUrl} from '../../../src/db/dialect.js'
import {isTransientError} from '../../../src/db/retry.js'
import {DIALECTS, openTestDb, unavailable} from './helpers.js'
import type {TestDb} from './helpers.js'

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`dialect capabilities on ${dialect}`, () => {
    let t: TestDb | undefined
    afterEach(async () => {
      await t?.close()
      t = undefined
    })

    it('names its dialect from the handle and from the URL alike', async () => {
      t = await openTestDb(dialect)
      expect(capabilitiesOf(t.db).dialect).toBe(dialect)
      expect(capabilitiesOfUrl(t.url)).toBe(capabilitiesOf(t.db))
    })

    it("recognises the database's own unique violation, and nothing else as one", async () => {
      t = await openTestDb(dialect)
      const db = t.db
      await sql`CREATE TABLE capability_probe (name TEXT PRIMARY KEY, label TEXT UNIQUE)`.execute(db)
      await sql`INSERT INTO capability_probe (name, label) VALUES ('a', 'x')`.execute(db)
      const duplicateKey = await sql`INSERT INTO capability_probe (name, label) VALUES ('a', 'y')`
        .execute(db)
        .catch((e: unknown) => e)
      const duplicateUnique = await sql`INSERT INTO capability_probe (name, label) VALUES ('b', 'x')`
        .execute(db)
        .catch((e: unknown) => e)
      const unknownColumn = await sql`SELECT no_such_column FROM capability_probe`
        .execute(db)
        .catch((e: unknown) => e)
      const capabilities = capabilitiesOf(db)
      expect(capabilities.isUniqueViolation(duplicateKey)).toBe(true)
      expect(capabilities.isUniqueViolation(duplicateUnique)).toBe(true)
      expect(capabilities.isUniqueViolation(unknownColumn)).toBe(false)
      // A violation is the caller's mistake: never retried.
      expect(isTransientError(duplicateKey)).toBe(false)
    })

    it('orders names by code point, as the other dialect does', async () => {
      t = await openTestDb(dialect)
      const db = t.db
      await sql`CREATE TABLE templates_probe (name TEXT, namespace TEXT)`.execute(db)
      for (const name of ['b', 'B', 'a', '_z', 'Z', 'a-b', 'a_b'])
        await sql`INSERT INTO templates_probe (name, namespace) VALUES (${name}, 'public')`.execute(db)
      const {rows} = await sql<{
        name: string
      }>`SELECT t.name FROM templates_probe AS t ORDER BY ${capabilitiesOf(db).nameOrder}`.execute(db)
      const codePoint = ['b', 'B', 'a', '_z', 'Z', 'a-b', 'a_b'].sort()
      expect(rows.map((r) => r.name)).toEqual(codePoint)
    })

    it('retries what the database rolled back whole, and writes serializably only where writers interleave', () => {
      const capabilities = capabilitiesOfUrl(dialect === 'postgres' ? 'postgres://db/x' : undefined)
      for (const code of capabilities.retryableCodes)
        expect(isTransientError(Object.assign(new Error('rolled back'), {code}))).toBe(true)
      expect(capabilities.serializableWrites).toBe(dialect === 'postgres')
      expect(capabilities.advisoryLocks).toBe(dialect === 'postgres')
    })
  })
}
