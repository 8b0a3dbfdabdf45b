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
    const all = ['blobs', 'namespaces', 'template_versions', 'templates', 'templates_fts', 'templates_search_row_delete', 'version_files']
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
    const pragma = async (name: string) => (await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(db)).rows[0]
    expect(await pragma('journal_mode')).toEqual({journal_mode: 'wal'})
    expect(await pragma('busy_timeout')).toEqual({timeout: 5000})
    expect(await pragma('foreign_keys')).toEqual({foreign_keys: 1})
    expect(await pragma('synchronous')).toEqual({synchronous: 1})
  })
})
