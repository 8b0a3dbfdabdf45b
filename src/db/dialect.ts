/**
 * What differs between the databases, in one object per dialect (as kysely's adapters
 * do): code above src/db asks the capabilities of its handle, never which database it has.
 */
import {sql} from 'kysely'
import type {Kysely, RawBuilder} from 'kysely'

import {dialectOf, parseDbUrl} from './database.js'
import type {Dialect} from './database.js'

export interface DialectCapabilities {
  readonly dialect: Dialect
  /**
   * Error codes after which a transaction rolled back whole and may well succeed when run
   * again (serialization failure, deadlock, a server restarting, a locked file).
   */
  readonly retryableCodes: ReadonlySet<string>
  /** Whether `error` is a unique-constraint (or primary-key) violation. */
  isUniqueViolation(error: unknown): boolean
  /**
   * Write transactions run SERIALIZABLE: concurrent writers fail with a retryable code
   * instead of interleaving. SQLite serialises writers by its file lock already.
   */
  readonly serializableWrites: boolean
  /**
   * ORDER BY of template names over `templates AS t`, ties by namespace, the same order on
   * both dialects (code point order: PostgreSQL is told `COLLATE "C"`).
   */
  readonly nameOrder: RawBuilder<unknown>
  /**
   * The COLLATE clause that compares text by code point (PostgreSQL's `"C"`), for keys
   * built to sort bytewise (version-order.ts); empty on SQLite, whose default is that.
   */
  readonly codePointCollation: RawBuilder<unknown>
  /**
   * Namespaces can be locked across processes in the database itself (session advisory
   * locks); without it, daemons share a Redis lease or run on one machine (src/db/lock.ts).
   */
  readonly advisoryLocks: boolean
  /**
   * Connections come from a pool: one writer may keep one for a while (a group-commit
   * batch) without stopping anyone else. SQLite has a single connection that reads share.
   */
  readonly pooledConnections: boolean
}

const codeOf = (error: unknown): unknown => (error as {code?: unknown} | null | undefined)?.code

const POSTGRES: DialectCapabilities = Object.freeze({
  dialect: 'postgres',
  retryableCodes: new Set([
    '40001', // serialization_failure
    '40P01', // deadlock_detected
    '57P01', // admin_shutdown (the server terminated the connection)
    '57P02', // crash_shutdown
    '57P03', // cannot_connect_now (starting up)
    '53300', // too_many_connections
    // connection exceptions (class 08)
    '08000',
    '08001',
    '08003',
    '08004',
    '08006',
    '08007',
  ]),
  isUniqueViolation: (error: unknown) => codeOf(error) === '23505',
  serializableWrites: true,
  nameOrder: sql`t.name COLLATE "C", t.namespace COLLATE "C"`,
  codePointCollation: sql`COLLATE "C"`,
  advisoryLocks: true,
  pooledConnections: true,
})

const SQLITE: DialectCapabilities = Object.freeze({
  dialect: 'sqlite',
  retryableCodes: new Set(['SQLITE_BUSY']),
  isUniqueViolation: (error: unknown) => {
    const code = codeOf(error)
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  },
  serializableWrites: false,
  nameOrder: sql`t.name, t.namespace`,
  codePointCollation: sql``,
  advisoryLocks: false,
  pooledConnections: false,
})

/** Every dialect's capabilities, by name. */
export const CAPABILITIES: Readonly<Record<Dialect, DialectCapabilities>> = Object.freeze({
  postgres: POSTGRES,
  sqlite: SQLITE,
})

/**
 * The capabilities of the database `db` talks to.
 *
 * @example
 * ```ts
 * if (capabilitiesOf(db).isUniqueViolation(err)) throw new AlreadyExistsError('user', name)
 * ```
 */
export function capabilitiesOf<DB>(db: Kysely<DB>): DialectCapabilities {
  return CAPABILITIES[dialectOf(db)]
}

/**
 * The capabilities of the database a DATABASE_URL names (unset: the SQLite default), for
 * choices made before a handle is open.
 *
 * @example
 * ```ts
 * capabilitiesOfUrl('postgres://db/maestro').advisoryLocks // true
 * ```
 */
export function capabilitiesOfUrl(url: string | undefined): DialectCapabilities {
  return CAPABILITIES[parseDbUrl(url).dialect]
}
