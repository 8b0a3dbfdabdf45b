import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {NO_MIGRATIONS, sql} from 'kysely'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {Kysely} from 'kysely'

import {createDb} from '../../../src/db/database.js'
import {createMigrator, MigrationError, MIGRATIONS, migrateToLatest} from '../../../src/db/migrate.js'
import type {Database} from '../../../src/db/schema.js'
import {TemplateIndex} from '../../../src/db/template-index.js'
import {version} from './helpers.js'

async function tableNames(db: Kysely<Database>): Promise<string[]> {
  const {rows} = await sql<{name: string}>`
    SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name NOT LIKE 'sqlite_%'
      AND name NOT LIKE 'templates_fts_%' AND name NOT LIKE 'kysely_%' ORDER BY name`.execute(db)
  return rows.map((r) => r.name)
}

describe('migrations (sqlite)', () => {
  let dir: string
  let db: Kysely<Database>

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-migrate-'))
    db = createDb({url: join(dir, 'index.db')})
  })
  afterEach(async () => {
    await db.destroy()
    rmSync(dir, {recursive: true, force: true})
  })

  it('creates the index tables, drops them all, and creates them again', async () => {
    const all = [
      'api_tokens',
      'blobs',
      'namespaces',
      'refresh_tokens',
      'role_grants',
      'template_versions',
      'templates',
      'templates_fts',
      'templates_search_row_delete',
      'tenants',
      'users',
      'version_files',
    ]
    await migrateToLatest(db)
    expect(await tableNames(db)).toEqual(all)

    const down = await createMigrator(db).migrateTo(NO_MIGRATIONS)
    expect(down.error).toBeUndefined()
    expect(await tableNames(db)).toEqual([])

    await migrateToLatest(db)
    expect(await tableNames(db)).toEqual(all)
    const result = await new TemplateIndex(db).recordVersion(version())
    expect(result.status).toBe('created')
  })

  it('is a no-op when the schema is current', async () => {
    await migrateToLatest(db)
    await migrateToLatest(db)
    const {rows} = await sql<{name: string}>`SELECT name FROM kysely_migration ORDER BY name`.execute(db)
    expect(rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS))
  })

  it('names the migration that failed and leaves the schema as it was', async () => {
    await sql`CREATE TABLE blobs (x integer)`.execute(db)
    const error = await migrateToLatest(db).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigrationError)
    expect((error as MigrationError).code).toBe('MIGRATION_FAILED')
    expect((error as MigrationError).message).toContain('2026_11_26_0001_initial')
    expect((error as MigrationError).data).toEqual({migration: '2026_11_26_0001_initial'})
    // Rolled back whole: the tables created before the failing statement are gone.
    expect(await tableNames(db)).toEqual(['blobs'])
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

// PostgreSQL runs when a server is given, e.g.
// MAESTRO_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres npx vitest run test/integration/db
const postgresUrl = process.env.MAESTRO_TEST_POSTGRES_URL

describe.skipIf(!postgresUrl)('migrations (postgres)', () => {
  let db: Kysely<Database>
  const schema = `maestro_test_${process.pid}`

  beforeEach(async () => {
    db = createDb({url: postgresUrl})
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db)
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(db)
    await db.destroy()
    // A schema of its own, so the test leaves the database as it found it.
    const url = new URL(postgresUrl!)
    url.searchParams.set('options', `-c search_path=${schema}`)
    db = createDb({url: url.toString()})
  })
  afterEach(async () => {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db)
    await db.destroy()
  })

  async function tables(): Promise<string[]> {
    const {rows} = await sql<{table_name: string}>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = ${schema} AND table_name NOT LIKE 'kysely_%' ORDER BY table_name`.execute(db)
    return rows.map((r) => r.table_name)
  }

  it('creates the index tables, drops them all, and creates them again', async () => {
    const all = [
      'api_tokens',
      'blobs',
      'namespaces',
      'refresh_tokens',
      'role_grants',
      'template_versions',
      'templates',
      'tenants',
      'users',
      'version_files',
    ]
    await migrateToLatest(db)
    expect(await tables()).toEqual(all)
    expect((await createMigrator(db).migrateTo(NO_MIGRATIONS)).error).toBeUndefined()
    expect(await tables()).toEqual([])
    await migrateToLatest(db)
    expect(await tables()).toEqual(all)
  })

  it('reads and writes what needs no search', async () => {
    await migrateToLatest(db)
    const index = new TemplateIndex(db)
    await index.setNamespaceHead('acme', 'abc')
    expect(await index.getNamespaceHead('acme')).toBe('abc')
    expect(await index.findTemplate(['acme'], 'x')).toBeUndefined()
    expect(await index.countTemplates(['acme'])).toBe(0)
    expect(await index.stats(['acme'])).toEqual({
      templates: 0,
      versions: 0,
      categories: {},
      blobs: 0,
      blob_bytes: 0,
    })
    await expect(index.recordVersion(version({namespace: 'acme'}))).rejects.toThrow(/not implemented yet/)
    // The failed write rolled back whole.
    expect(await index.countTemplates(['acme'])).toBe(0)
  })
})
