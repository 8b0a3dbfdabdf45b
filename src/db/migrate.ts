/**
 * Schema migrations, kysely's way: dated files with `up`/`down`, listed here in a
 * static map so they are bundled with the code and work from dist/ (no directory
 * scanning at run time). Add a migration by adding a file and one line below.
 */
import {Migrator, sql} from 'kysely'
import type {Kysely, Migration, MigrationProvider, RawBuilder} from 'kysely'

import {MaestroError} from '../domain/errors.js'
import {createDb, dialectOf, indexDbConfig, redactDbUrl} from './database.js'
import type {Dialect} from './database.js'
import {ForeignDatabaseError, foreignTables} from './foreign-database.js'
import {withRetry} from './retry.js'
import * as initial from './migrations/2026_11_26_0001_initial.js'
import * as postgresSearch from './migrations/2026_12_01_0001_postgres_search.js'
import * as auth from './migrations/2026_12_01_0003_auth.js'
import * as sortIndexes from './migrations/2026_12_01_0004_sort_indexes.js'
import * as postgresFilterLexemes from './migrations/2026_12_01_0005_postgres_filter_lexemes.js'
import * as storeIdentity from './migrations/2026_12_07_0001_store_identity.js'
import * as workflows from './migrations/2026_12_07_0002_workflows.js'
import * as projects from './migrations/2026_12_07_0101_projects.js'
import * as projectVersions from './migrations/2026_12_07_0102_project_versions.js'

/** Every migration, by name; kysely applies them in name order. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '2026_11_26_0001_initial': initial,
  '2026_12_01_0001_postgres_search': postgresSearch,
  '2026_12_01_0003_auth': auth,
  '2026_12_01_0004_sort_indexes': sortIndexes,
  '2026_12_01_0005_postgres_filter_lexemes': postgresFilterLexemes,
  '2026_12_07_0001_store_identity': storeIdentity,
  '2026_12_07_0002_workflows': workflows,
  '2026_12_07_0101_projects': projects,
  '2026_12_07_0102_project_versions': projectVersions,
})

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {...MIGRATIONS}
  }
}

/** A migration failed; the database is left at the last migration that succeeded. */
export class MigrationError extends MaestroError {
  static readonly code = 'MIGRATION_FAILED'
  constructor(migration: string | undefined, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(
      migration === undefined
        ? `database migration failed: ${reason}`
        : `database migration ${migration} failed: ${reason}`,
      {code: MigrationError.code, status: 500, data: {migration: migration ?? null}, cause},
    )
  }
}

/**
 * A kysely `Migrator` over the static migration list, for tooling and tests that move
 * the schema up or down step by step. On PostgreSQL, pass the schema the index lives
 * in (`await migrationSchema(db)`): without it kysely takes a `kysely_migration` table
 * in any schema of the database for its own.
 *
 * @example
 * ```ts
 * import {NO_MIGRATIONS} from 'kysely'
 * await createMigrator(db, await migrationSchema(db)).migrateTo(NO_MIGRATIONS) // drop everything
 * ```
 */
export function createMigrator<DB>(db: Kysely<DB>, schema?: string): Migrator {
  return new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    ...(schema === undefined ? {} : {migrationTableSchema: schema}),
  })
}

/**
 * The schema the index lives in: PostgreSQL's first schema on the search path
 * (`current_schema()`), undefined on SQLite.
 *
 * @example
 * ```ts
 * await migrationSchema(db) // 'public'
 * ```
 */
export async function migrationSchema<DB>(db: Kysely<DB>): Promise<string | undefined> {
  if (dialectOf(db) !== 'postgres') return undefined
  const {rows} = await sql<{schema: string | null}>`SELECT current_schema() AS schema`.execute(db)
  const schema = rows[0]?.schema
  if (!schema) throw new MigrationError(undefined, new Error('no schema on the search_path to migrate'))
  return schema
}

/**
 * Brings the schema up to date and returns the names of the migrations it applied
 * ([] when the schema was current). Throws `ForeignDatabaseError`, touching nothing,
 * when the database holds tables but no maestro-tpl migrations, and `MigrationError`
 * naming the migration that failed; pending migrations run in one transaction, so a failure leaves the schema
 * as it was. Processes migrating the same database at once take turns (kysely's
 * migration lock: a row lock on PostgreSQL, `BEGIN IMMEDIATE` on SQLite); the later
 * one finds nothing left to do.
 *
 * @example
 * ```ts
 * const db = createDb({url: process.env.DATABASE_URL})
 * await migrateToLatest(db) // ['2026_11_26_0001_initial', …] on a new database
 * ```
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const {error, results} = await withRetry(() =>
    withoutStatementTimeout(db, async (conn) => {
      await refuseForeignDatabase(conn)
      return createMigrator(conn, await migrationSchema(conn)).migrateToLatest()
    }),
  )
  if (error === undefined)
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
  const failed = results?.find((r) => r.status === 'Error')
  throw new MigrationError(failed?.migrationName, error)
}

/**
 * Throws `ForeignDatabaseError` when the database (on PostgreSQL, the schema the index
 * would live in) holds tables but none of maestro-tpl's migrations: nothing migrates a
 * database that is not ours.
 *
 * @example
 * ```ts
 * await refuseForeignDatabase(db) // before migrating
 * ```
 */
export async function refuseForeignDatabase<DB>(db: Kysely<DB>): Promise<void> {
  const postgres = dialectOf(db) === 'postgres'
  const tables = await names(
    db,
    postgres
      ? sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`
      : sql`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'`,
  )
  const applied = tables.includes('kysely_migration')
    ? await names(db, sql`SELECT name FROM kysely_migration`)
    : undefined
  const foreign = foreignTables(tables, applied, Object.keys(MIGRATIONS))
  if (foreign.length === 0) return
  const [database = 'the database'] = await names(
    db,
    postgres
      ? sql`SELECT 'PostgreSQL database ' || current_database() || ', schema ' || current_schema() AS name`
      : sql`SELECT 'sqlite:' || file AS name FROM pragma_database_list WHERE name = 'main'`,
  )
  throw new ForeignDatabaseError(database, foreign)
}

/** The `name` column of a query's rows. */
async function names<DB>(db: Kysely<DB>, query: RawBuilder<unknown>): Promise<string[]> {
  const {rows} = await query.execute(db)
  return (rows as {name: string}[]).map((row) => row.name)
}

/**
 * Runs `fn` on one connection without the pool's statement timeout
 * (DATABASE_STATEMENT_TIMEOUT_MS bounds a request's queries; a migration that rewrites
 * a large table, or waits for another process's migration lock, takes as long as it
 * takes). The connection gets the pool's setting back afterwards.
 */
async function withoutStatementTimeout<DB, T>(
  db: Kysely<DB>,
  fn: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  if (dialectOf(db) !== 'postgres') return fn(db)
  return db.connection().execute(async (conn) => {
    await sql`SET statement_timeout = 0`.execute(conn)
    try {
      return await fn(conn)
    } finally {
      await sql`RESET statement_timeout`.execute(conn)
    }
  })
}

export interface MigrateResult {
  /** The database, password masked. */
  database: string
  dialect: Dialect
  /** Migrations this run applied, in order ([] when the schema was current). */
  applied: string[]
  /** Every migration the schema now has. */
  migrations: string[]
}

/**
 * Opens the index database of `config` (see `indexDbConfig`), migrates it to the
 * latest schema and closes it: what `maestro-tpl db migrate` does.
 *
 * @example
 * ```ts
 * const {applied} = await migrateIndexDatabase(loadConfig())
 * ```
 */
export async function migrateIndexDatabase(
  config: Parameters<typeof indexDbConfig>[0],
): Promise<MigrateResult> {
  const target = indexDbConfig(config)
  const db = createDb(target)
  try {
    const applied = await migrateToLatest(db)
    return {
      database: redactDbUrl(target.url ?? ''),
      dialect: dialectOf(db),
      applied,
      migrations: Object.keys(MIGRATIONS),
    }
  } finally {
    await db.destroy()
  }
}
