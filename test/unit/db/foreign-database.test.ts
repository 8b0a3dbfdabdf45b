import {describe, expect, it} from 'vitest'

import {ForeignDatabaseError, foreignTables} from '../../../src/db/foreign-database.js'

describe('foreignTables', () => {
  it('finds an empty database, or one with only kysely bookkeeping, ours to migrate', () => {
    expect(foreignTables([], undefined)).toEqual([])
    expect(foreignTables(['kysely_migration', 'kysely_migration_lock'], [])).toEqual([])
  })

  it("names the tables of a database with no maestro migrations, another kysely user's included", () => {
    expect(foreignTables(['users', 'orders'], undefined)).toEqual(['orders', 'users'])
    expect(foreignTables(['kysely_migration', 'posts'], ['0001_posts'], ['2026_11_26_0001_initial'])).toEqual(
      ['posts'],
    )
  })

  it('accepts a database that records a maestro migration', () => {
    expect(
      foreignTables(
        ['kysely_migration', 'templates'],
        ['2026_11_26_0001_initial'],
        ['2026_11_26_0001_initial'],
      ),
    ).toEqual([])
  })

  it('is a usage error (exit 2) naming the database and its tables', () => {
    const error = new ForeignDatabaseError('sqlite:/srv/app.db', ['orders', 'users'])
    expect(error.code).toBe('FOREIGN_DATABASE')
    expect(error.exitCode).toBe(2)
    expect(error.message).toContain('sqlite:/srv/app.db')
    expect(error.message).toContain('orders, users')
  })
})
