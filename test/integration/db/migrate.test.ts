import {NO_MIGRATIONS, sql} from 'kysely'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {Kysely} from 'kysely'

import {createDb} from '../../../src/db/database.js'
import {ForeignDatabaseError} from '../../../src/db/foreign-database.js'
import {
  createMigrator,
  MigrationError,
  MIGRATIONS,
  migrateToLatest,
  migrationSchema,
} from '../../../src/db/migrate.js'
import type {Database} from '../../../src/db/schema.js'
import {TemplateIndex} from '../../../src/db/template-index.js'
import {createTestDatabase, DIALECTS, unavailable, version} from './helpers.js'
import type {TestDatabase, TestDialect} from './helpers.js'

/** The index's tables (and SQLite's trigger), without kysely's and FTS5's own. */
async function tableNames(db: Kysely<Database>, dialect: TestDialect): Promise<string[]> {
  if (dialect === 'sqlite') {
    const {rows} = await sql<{name: string}>`
      SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name NOT LIKE 'sqlite_%'
        AND name NOT LIKE 'templates_fts_%' AND name NOT LIKE 'kysely_%' ORDER BY name`.execute(db)
    return rows.map((r) => r.name)
  }
  const {rows} = await sql<{table_name: string}>`
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_name NOT LIKE 'kysely_%' ORDER BY table_name`.execute(db)
  return rows.map((r) => r.table_name)
}

const TABLES: Record<TestDialect, string[]> = {
  sqlite: [
    'api_tokens',
    'blobs',
    'index_settings',
    'namespaces',
    'projects',
    'refresh_tokens',
    'role_grants',
    'template_versions',
    'templates',
    'templates_fts',
    'templates_search_row_delete',
    'tenants',
    'users',
    'version_files',
    'workflow_events',
    'workflow_executions',
    'workflow_results',
    'workflow_steps',
  ],
  postgres: [
    'api_tokens',
    'blobs',
    'index_settings',
    'namespaces',
    'projects',
    'refresh_tokens',
    'role_grants',
    'template_search',
    'template_versions',
    'templates',
    'tenants',
    'users',
    'version_files',
    'workflow_events',
    'workflow_executions',
    'workflow_results',
    'workflow_steps',
  ],
}

for (const dialect of DIALECTS) {
  describe.skipIf(unavailable(dialect))(`migrations (${dialect})`, () => {
    let database: TestDatabase
    let db: Kysely<Database>

    beforeEach(async () => {
      database = await createTestDatabase(dialect)
      db = createDb({url: database.url})
    })
    afterEach(async () => {
      await db.destroy()
      await database.drop()
    })

    it('creates the index tables, drops them all, and creates them again', async () => {
      expect(await migrateToLatest(db)).toEqual(Object.keys(MIGRATIONS))
      expect(await tableNames(db, dialect)).toEqual(TABLES[dialect])

      const down = await createMigrator(db, await migrationSchema(db)).migrateTo(NO_MIGRATIONS)
      expect(down.error).toBeUndefined()
      expect(await tableNames(db, dialect)).toEqual([])

      await migrateToLatest(db)
      expect(await tableNames(db, dialect)).toEqual(TABLES[dialect])
      const result = await new TemplateIndex(db).recordVersion(version())
      expect(result.status).toBe('created')
      expect((await new TemplateIndex(db).search(['public'], {text: 'fastapi'})).total).toBe(1)
    })

    it('is a no-op when the schema is current', async () => {
      await migrateToLatest(db)
      expect(await migrateToLatest(db)).toEqual([])
      const {rows} = await sql<{name: string}>`SELECT name FROM kysely_migration ORDER BY name`.execute(db)
      expect(rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS))
    })

    // Two daemons starting on one PostgreSQL. (Not SQLite in one process: better-sqlite3
    // is synchronous, so a connection waiting for the lock would block the event loop of
    // the one holding it; across processes BEGIN IMMEDIATE makes them queue.)
    it.skipIf(dialect === 'sqlite')(
      'lets processes migrating at once take turns: each migration runs once',
      async () => {
        const others = [createDb({url: database.url}), createDb({url: database.url})]
        try {
          const applied = await Promise.all([db, ...others].map((each) => migrateToLatest(each)))
          expect(applied.flat().sort()).toEqual(Object.keys(MIGRATIONS).sort())
          expect(await tableNames(db, dialect)).toEqual(TABLES[dialect])
        } finally {
          await Promise.all(others.map((other) => other.destroy()))
        }
      },
    )

    it.skipIf(dialect === 'sqlite')(
      'moves the filter tokens of existing search rows into the text vectors, and back down',
      async () => {
        await migrateToLatest(db)
        const index = new TemplateIndex(db)
        await index.recordVersion(version({name: 'py-api', tags: ['python'], description: 'An api'}))
        await index.recordVersion(
          version({name: 'go-api', tags: ['go'], description: 'An api', qualityScore: 65}),
        )
        const vectors = async () =>
          (
            await sql<{document: string; filters: string}>`
              SELECT document::text, filters::text FROM template_search ORDER BY seq`.execute(db)
          ).rows
        const current = await vectors()

        const migrator = createMigrator(db, await migrationSchema(db))
        expect((await migrator.migrateTo('2026_12_01_0004_sort_indexes')).error).toBeUndefined()
        for (const row of await vectors()) {
          expect(row.filters).not.toContain("'~")
          expect(row.document).not.toContain("'~")
        }

        // 0005 first; later migrations follow it.
        expect((await migrateToLatest(db))[0]).toBe('2026_12_01_0005_postgres_filter_lexemes')
        expect(await vectors()).toEqual(current)
        const names = async (q: Parameters<TemplateIndex['search']>[1]) =>
          (await index.search(['public'], q)).items.map((i) => i.name)
        expect(await names({text: 'api', tags: ['python']})).toEqual(['py-api'])
        expect(await names({text: 'api', minScore: 60})).toEqual(['go-api'])
        // A word is never a filter token: "qs6" is no prefix of the score tokens.
        expect(await names({text: 'qs6'})).toEqual([])
      },
    )

    // DATABASE_STATEMENT_TIMEOUT_MS bounds a request's queries; a migration rewriting a
    // large table runs as long as it needs.
    it.skipIf(dialect === 'sqlite')('runs migrations without the statement timeout of the pool', async () => {
      const hurried = createDb({url: database.url, pool: {statementTimeoutMs: 1}})
      try {
        await expect(sql`SELECT pg_sleep(0.05)`.execute(hurried)).rejects.toThrow(/statement timeout/)
        expect(await migrateToLatest(hurried)).toEqual(Object.keys(MIGRATIONS))
        // The connection that migrated goes back to the pool with its timeout.
        await expect(sql`SELECT pg_sleep(0.05)`.execute(hurried)).rejects.toThrow(/statement timeout/)
      } finally {
        await hurried.destroy()
      }
    })

    it('names the migration that failed and leaves the schema as it was', async () => {
      const migrator = createMigrator(db, await migrationSchema(db))
      expect((await migrator.migrateTo('2026_12_01_0001_postgres_search')).error).toBeUndefined()
      const before = await tableNames(db, dialect)
      // A table in the way of the next migration (2026_12_01_0003_auth creates `tenants` first).
      await sql`CREATE TABLE tenants (x integer)`.execute(db)
      const error = await migrateToLatest(db).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(MigrationError)
      expect((error as MigrationError).code).toBe('MIGRATION_FAILED')
      expect((error as MigrationError).message).toContain('2026_12_01_0003_auth')
      expect((error as MigrationError).data).toEqual({migration: '2026_12_01_0003_auth'})
      // Rolled back whole: the tables created before the failing statement are gone.
      expect(await tableNames(db, dialect)).toEqual([...before, 'tenants'].sort())
    })

    it('refuses, naming it, a database that holds tables but no maestro migrations, and changes nothing', async () => {
      await sql`CREATE TABLE invoices (id integer PRIMARY KEY)`.execute(db)
      const error = await migrateToLatest(db).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ForeignDatabaseError)
      expect((error as ForeignDatabaseError).data).toMatchObject({tables: ['invoices']})
      expect((error as ForeignDatabaseError).message).toMatch(
        dialect === 'sqlite' ? /sqlite:/ : /PostgreSQL database/,
      )
      expect(await tableNames(db, dialect)).toEqual(['invoices'])
    })
  })
}

describe('SQLite connection settings', () => {
  let database: TestDatabase
  let db: Kysely<Database>
  beforeEach(async () => {
    database = await createTestDatabase('sqlite')
    db = createDb({url: database.url})
  })
  afterEach(async () => {
    await db.destroy()
    await database.drop()
  })

  it('opens SQLite with WAL, a busy timeout, foreign keys and synchronous=NORMAL', async () => {
    const pragma = async (name: string) =>
      (await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(db)).rows[0]
    expect(await pragma('journal_mode')).toEqual({journal_mode: 'wal'})
    expect(await pragma('busy_timeout')).toEqual({timeout: 5000})
    expect(await pragma('foreign_keys')).toEqual({foreign_keys: 1})
    expect(await pragma('synchronous')).toEqual({synchronous: 1})
  })
})

describe.skipIf(unavailable('postgres'))('PostgreSQL connection settings', () => {
  it('applies the pool settings: statement timeout and pool size', async () => {
    const database = await createTestDatabase('postgres')
    const db = createDb({url: database.url, pool: {max: 2, statementTimeoutMs: 1234}})
    try {
      const {rows} = await sql<{
        timeout: string
      }>`SELECT current_setting('statement_timeout') AS timeout`.execute(db)
      expect(rows[0]?.timeout).toBe('1234ms')
      await expect(sql`SELECT pg_sleep(2)`.execute(db)).rejects.toThrow(/statement timeout/)
    } finally {
      await db.destroy()
      await database.drop()
    }
  })
})
