/**
 * Schema migrations, kysely's way: dated files with `up`/`down`, listed here in a
 * static map so they are bundled with the code and work from dist/ (no directory
 * scanning at run time). Add a migration by adding a file and one line below.
 */
import {Migrator} from 'kysely'
import type {Kysely, Migration, MigrationProvider} from 'kysely'

import {MaestroError} from '../domain/errors.js'
import * as initial from './migrations/2026_11_26_0001_initial.js'
import * as auth from './migrations/2026_12_01_0003_auth.js'

/** Every migration, by name; kysely applies them in name order. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '2026_11_26_0001_initial': initial,
  '2026_12_01_0003_auth': auth,
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
 * the schema up or down step by step.
 *
 * @example
 * ```ts
 * import {NO_MIGRATIONS} from 'kysely'
 * await createMigrator(db).migrateTo(NO_MIGRATIONS) // drop everything
 * ```
 */
export function createMigrator<DB>(db: Kysely<DB>): Migrator {
  return new Migrator({db, provider: new StaticMigrationProvider()})
}

/**
 * Brings the schema up to date. Throws `MigrationError` naming the migration that
 * failed; pending migrations run in one transaction, so a failure leaves the schema
 * as it was.
 *
 * @example
 * ```ts
 * const db = createDb({url: process.env.DATABASE_URL})
 * await migrateToLatest(db)
 * ```
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<void> {
  const {error, results} = await createMigrator(db).migrateToLatest()
  if (error === undefined) return
  const failed = results?.find((r) => r.status === 'Error')
  throw new MigrationError(failed?.migrationName, error)
}
