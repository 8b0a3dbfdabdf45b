/**
 * The database factory: one `createDb(config)` for every dialect. Nothing above
 * src/db asks which database it runs on.
 */
import {mkdirSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
} from 'kysely'
import type {
  DatabaseConnection,
  DialectAdapter,
  Driver,
  SqliteDatabase,
  SqliteDialectConfig,
  SqliteStatement,
} from 'kysely'
import type BetterSqlite3 from 'better-sqlite3'

import {UsageError} from '../domain/errors.js'
import {refuseForeignSqlite} from './foreign-database.js'
import {DEFAULT_POOL} from '../config.js'
import type {PoolConfig} from '../config.js'
import type {Database} from './schema.js'

export interface DbConfig {
  /**
   * `postgres://…` (or `postgresql://…`) for PostgreSQL; `sqlite:/path/file.db`, a plain
   * path, or `:memory:` for SQLite. Unset: SQLite at `~/.maestro/index.db`.
   */
  readonly url?: string | undefined
  /** PostgreSQL connection pool; ignored by SQLite. Unset fields take `DEFAULT_POOL`. */
  readonly pool?: PoolConfig
}

export {DEFAULT_POOL}
export type {PoolConfig}

export type Dialect = 'sqlite' | 'postgres'

/** Where the embedded index lives when no URL is configured. */
export const DEFAULT_SQLITE_PATH = join(homedir(), '.maestro', 'index.db')

/**
 * Opens the index database named by `config.url`. The connection (and the native
 * driver) is loaded on first use, so building a `Kysely` is free.
 *
 * PostgreSQL runs through a `pg` pool sized by `config.pool` (`DEFAULT_POOL` otherwise).
 * SQLite runs with WAL, `busy_timeout=5000`, `foreign_keys=ON`, `synchronous=NORMAL`,
 * write transactions that start with `BEGIN IMMEDIATE` (so two processes writing the
 * same file queue instead of failing), and a cache of prepared statements.
 *
 * @example
 * ```ts
 * const db = createDb({url: process.env.DATABASE_URL})
 * await migrateToLatest(db)
 * const index = new TemplateIndex(db)
 * // ...
 * await db.destroy()
 * ```
 */
export function createDb(config: DbConfig): Kysely<Database> {
  const target = parseDbUrl(config.url)
  if (target.dialect === 'postgres') {
    const connectionString = target.url
    const pool = {...DEFAULT_POOL, ...config.pool}
    return new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: async () => {
          const {default: pg} = await import('pg')
          const created = new pg.Pool({
            connectionString,
            max: pool.max,
            idleTimeoutMillis: pool.idleTimeoutMs,
            connectionTimeoutMillis: pool.connectionTimeoutMs,
            ...(pool.statementTimeoutMs > 0 ? {statement_timeout: pool.statementTimeoutMs} : {}),
            application_name: 'maestro-tpl',
          })
          // A connection the server drops (restart, admin kill) emits 'error' on the pool
          // when idle and on its client when checked out; unheard, either would crash the
          // process. The pool discards that client and the next query opens a new one; a
          // query that was running fails and its transaction is retried (retry.ts).
          created.on('error', () => undefined)
          created.on('connect', (client) => client.on('error', () => undefined))
          return created
        },
      }),
    })
  }
  const path = target.path
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({
      database: async () => {
        const {default: Sqlite} = await import('better-sqlite3')
        if (path !== ':memory:') mkdirSync(dirname(path), {recursive: true})
        const raw = new Sqlite(path)
        // The timeout first: switching a new file to WAL waits for other openers too.
        raw.pragma('busy_timeout = 5000')
        // Before the first write: someone else's database is left byte for byte as it was.
        try {
          if (path !== ':memory:') refuseForeignSqlite(raw, path)
        } catch (err) {
          raw.close()
          throw err
        }
        raw.pragma('journal_mode = WAL')
        raw.pragma('foreign_keys = ON')
        raw.pragma('synchronous = NORMAL')
        return new CachingSqliteDatabase(raw)
      },
    }),
  })
}

/**
 * Which dialect `db` speaks. For src/db only: services above never branch on it.
 *
 * @example
 * ```ts
 * if (dialectOf(db) === 'sqlite') await sql`PRAGMA optimize`.execute(db)
 * ```
 */
export function dialectOf<DB>(db: Kysely<DB>): Dialect {
  const adapter = db.getExecutor().adapter
  if (adapter instanceof SqliteAdapter) return 'sqlite'
  if (adapter instanceof PostgresAdapter) return 'postgres'
  throw new Error(`unsupported kysely adapter ${adapter.constructor.name}`)
}

/**
 * @internal Exported for tests.
 *
 * @example
 * ```ts
 * parseDbUrl('sqlite:/var/lib/maestro/index.db') // {dialect: 'sqlite', path: '/var/lib/maestro/index.db'}
 * ```
 */
export function parseDbUrl(
  url: string | undefined,
): {dialect: 'sqlite'; path: string} | {dialect: 'postgres'; url: string} {
  const value = url?.trim()
  if (!value) return {dialect: 'sqlite', path: DEFAULT_SQLITE_PATH}
  if (/^postgres(ql)?:\/\//i.test(value)) return {dialect: 'postgres', url: value}
  if (/^sqlite:/i.test(value)) {
    // `sqlite:///abs/file.db` and `sqlite:/abs/file.db` both name /abs/file.db.
    const rest = value.slice('sqlite:'.length).replace(/^\/\/(?=\/|\.|~)/, '')
    return {dialect: 'sqlite', path: sqlitePath(rest, value)}
  }
  // A scheme we do not speak (mysql://…) must not silently become a file named "mysql:".
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new UsageError(
      `unsupported DATABASE_URL ${JSON.stringify(redact(value))}: use sqlite:/path/file.db or postgres://…`,
      {url: redact(value)},
    )
  }
  return {dialect: 'sqlite', path: sqlitePath(value, value)}
}

function sqlitePath(path: string, url: string): string {
  if (path === ':memory:') return path
  if (path === '') throw new UsageError(`DATABASE_URL ${JSON.stringify(url)} names no file`, {url})
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1))
  return resolve(path)
}

/**
 * The index database a configuration names: `databaseUrl`, else `index.db` in the
 * store folder, with the pool settings.
 *
 * @example
 * ```ts
 * createDb(indexDbConfig(loadConfig()))
 * ```
 */
export function indexDbConfig(config: {
  readonly home: string
  readonly databaseUrl?: string | undefined
  readonly databasePool?: PoolConfig
}): DbConfig {
  return {
    url: config.databaseUrl ?? `sqlite:${join(config.home, 'index.db')}`,
    ...(config.databasePool ? {pool: config.databasePool} : {}),
  }
}

/**
 * `url` with its password masked, for messages and output.
 *
 * @example
 * ```ts
 * redactDbUrl('postgres://app:s3cret@db:5432/maestro') // 'postgres://app:***@db:5432/maestro'
 * ```
 */
export function redactDbUrl(url: string): string {
  return redact(url)
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')
}

/**
 * kysely's SQLite driver opens transactions with a deferred `BEGIN`; a deferred
 * transaction that reads and then writes fails at once with SQLITE_BUSY when another
 * process wrote in between, and busy_timeout cannot help it. `BEGIN IMMEDIATE` takes
 * the write lock up front and waits for it instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

/**
 * SQLite runs DDL inside transactions (virtual tables included), but kysely's adapter
 * says it does not, so its Migrator would run migrations bare and leave half a schema
 * behind a failure. Saying so makes every migration run atomic, in a `BEGIN IMMEDIATE`
 * that also keeps other processes from migrating at the same time.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig
  constructor(config: SqliteDialectConfig) {
    super(config)
    this.#config = config
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config)
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter()
  }
}

/**
 * kysely prepares every statement anew; parsing and planning a search statement costs
 * more than running it on a warm index. Statements are reused by SQL text (the values
 * are always parameters, so the number of distinct texts stays small).
 */
class CachingSqliteDatabase implements SqliteDatabase {
  static readonly #capacity = 256
  readonly #raw: BetterSqlite3.Database
  readonly #statements = new Map<string, SqliteStatement>()

  constructor(raw: BetterSqlite3.Database) {
    this.#raw = raw
  }

  prepare(sql: string): SqliteStatement {
    let statement = this.#statements.get(sql)
    if (statement) {
      // Map keeps insertion order: re-inserting makes this the most recently used.
      this.#statements.delete(sql)
    } else {
      statement = this.#raw.prepare(sql)
      if (this.#statements.size >= CachingSqliteDatabase.#capacity) {
        const oldest = this.#statements.keys().next().value
        if (oldest !== undefined) this.#statements.delete(oldest)
      }
    }
    this.#statements.set(sql, statement)
    return statement
  }

  close(): void {
    this.#statements.clear()
    this.#raw.close()
  }
}
