/**
 * The guard that keeps maestro-tpl out of databases that are not its own: a non-empty
 * database with no maestro-tpl migrations is some application's (an `.env` with its
 * DATABASE_URL, a mistyped path) and is never migrated, written or switched to WAL.
 */
import {MaestroError} from '../domain/errors.js'

/** kysely's own bookkeeping tables, which a half-finished first migration may leave alone. */
const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock']

/** DATABASE_URL names a database that holds other tables and no maestro-tpl migrations. */
export class ForeignDatabaseError extends MaestroError {
  static readonly code = 'FOREIGN_DATABASE'
  constructor(database: string, tables: readonly string[]) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, … (${tables.length} tables)` : '')
    super(
      `refusing to use ${database} as the maestro-tpl index: it holds tables (${shown}) but no maestro-tpl ` +
        'migrations, so it belongs to something else and is left as it is. Point DATABASE_URL at an empty ' +
        'database, or unset it to use index.db in the store (MAESTRO_HOME)',
      {code: ForeignDatabaseError.code, status: 500, exitCode: 2, data: {database, tables: [...tables]}},
    )
  }
}

/**
 * The tables that make a database foreign, or [] when it is empty or maestro-tpl's:
 * `tables` are every table in it, `applied` the migrations its kysely_migration table
 * records (undefined: that table is missing), `known` maestro-tpl's migrations (undefined:
 * any recorded migration will do).
 *
 * @example
 * ```ts
 * foreignTables(['users', 'orders'], undefined) // ['orders', 'users']
 * foreignTables([], undefined)                  // []: a new database
 * ```
 */
export function foreignTables(
  tables: readonly string[],
  applied: readonly string[] | undefined,
  known?: readonly string[],
): string[] {
  const others = tables.filter((t) => !MIGRATION_TABLES.includes(t)).sort()
  if (others.length === 0) return []
  const ours = (applied ?? []).some((name) => known === undefined || known.includes(name))
  return ours ? [] : others
}

/**
 * Throws `ForeignDatabaseError` for a SQLite file that is someone else's. Runs on a new
 * connection before anything writes to the file (journal_mode = WAL rewrites its header).
 *
 * @example
 * ```ts
 * const raw = new Sqlite(path)
 * refuseForeignSqlite(raw, path) // before raw.pragma('journal_mode = WAL')
 * ```
 */
export function refuseForeignSqlite(raw: {prepare(sql: string): {all(): unknown[]}}, path: string): void {
  const tables = (
    raw
      .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")
      .all() as {name: string}[]
  ).map((row) => row.name)
  const applied = tables.includes('kysely_migration')
    ? (raw.prepare('SELECT name FROM kysely_migration').all() as {name: string}[]).map((row) => row.name)
    : undefined
  const foreign = foreignTables(tables, applied)
  if (foreign.length > 0) throw new ForeignDatabaseError(`sqlite:${path}`, foreign)
}
