/**
 * Transactions that survive what a busy or restarting database does to them: a
 * serialization failure, a deadlock, a dropped connection. Such a transaction rolled
 * back whole, so running it again is safe; anything else (a constraint violation, a
 * domain error) is the caller's and is thrown at once.
 */
import type {Kysely, Transaction} from 'kysely'

import {CAPABILITIES, capabilitiesOf} from './dialect.js'

/** Every dialect's retryable codes: an error is judged without asking where it came from. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(
  Object.values(CAPABILITIES).flatMap((capabilities) => [...capabilities.retryableCodes]),
)

/** Socket errors of a connection the network or the server dropped. */
const TRANSIENT_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
])

/** pg reports a connection that died under it by message only. */
const TRANSIENT_MESSAGES =
  /Connection terminated|terminating connection|timeout exceeded when trying to connect/i

export interface RetryOptions {
  /** Tries in all, the first included. Default 5. */
  readonly attempts?: number
  /** Upper bound of the first backoff; it doubles per retry. Default 20 ms. */
  readonly baseDelayMs?: number
  /** Upper bound of any backoff. Default 1000 ms. */
  readonly maxDelayMs?: number
  /** Called before each retry (for logs and tests). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void
}

/**
 * Whether `error` (or an error it wraps) is one after which running the same
 * transaction again may succeed.
 *
 * @example
 * ```ts
 * isTransientError(Object.assign(new Error('deadlock detected'), {code: '40P01'})) // true
 * isTransientError(Object.assign(new Error('duplicate key'), {code: '23505'}))     // false
 * ```
 */
export function isTransientError(error: unknown): boolean {
  return someCause(error, (e) => {
    const code = (e as {code?: unknown}).code
    if (typeof code === 'string' && (RETRYABLE_CODES.has(code) || TRANSIENT_SOCKET_CODES.has(code)))
      return true
    return code === undefined && TRANSIENT_MESSAGES.test(e.message)
  })
}

/** Whether `test` holds for `error`, an error it wraps (`cause`), or one of an AggregateError's. */
function someCause(error: unknown, test: (e: Error) => boolean, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false
  if (test(error)) return true
  // pg connecting to `localhost` tries ::1 and 127.0.0.1: both refusals come in an AggregateError.
  if (error instanceof AggregateError && error.errors.some((e) => someCause(e, test, depth + 1))) return true
  return someCause(error.cause, test, depth + 1)
}

/** SQLite's "the database is locked by another connection" family (SQLITE_BUSY_SNAPSHOT...). */
const SQLITE_LOCKED = /^SQLITE_(BUSY|LOCKED)/

/** Tries of a transaction that keeps finding the SQLite file locked by another process. */
const SQLITE_BUSY_ATTEMPTS = 2

function isSqliteBusy(error: unknown): boolean {
  return someCause(error, (e) => {
    const code = (e as {code?: unknown}).code
    return typeof code === 'string' && code.startsWith('SQLITE_BUSY')
  })
}

/**
 * Whether `error` says the database could not serve the request right now (down,
 * restarting, unreachable, out of connections, locked by another process) rather than
 * that the request or the code is wrong: the API answers it with 503 and Retry-After.
 *
 * @example
 * ```ts
 * isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {code: 'ECONNREFUSED'})) // true
 * isDatabaseUnavailable(Object.assign(new Error('database is locked'), {code: 'SQLITE_BUSY'}))                  // true
 * ```
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return (
    isTransientError(error) ||
    someCause(error, (e) => {
      const code = (e as {code?: unknown}).code
      return (typeof code === 'string' && SQLITE_LOCKED.test(code)) || /^57P0[1-3]$/.test(String(code))
    })
  )
}

/**
 * Runs `fn` until it succeeds, it throws an error that is not transient, or
 * `attempts` tries are spent (the last error is thrown). Between tries it waits a
 * random time up to an exponentially growing bound ("full jitter"), so clients that
 * collided do not collide again in step.
 *
 * @example
 * ```ts
 * const rows = await withRetry(() => db.selectFrom('templates').selectAll().execute())
 * ```
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5)
  const base = options.baseDelayMs ?? 20
  const max = options.maxDelayMs ?? 1000
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (error) {
      if (attempt >= attempts || !isTransientError(error)) throw error
      // SQLite waited busy_timeout (5 s) for the lock already: one more wait, not four.
      if (attempt >= SQLITE_BUSY_ATTEMPTS && isSqliteBusy(error)) throw error
      const delay = Math.random() * Math.min(max, base * 2 ** (attempt - 1))
      options.onRetry?.(error, attempt, delay)
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

/**
 * Runs `fn` in one transaction, retried whole on transient errors (see `withRetry`),
 * so `fn` must have no effect outside the transaction it is given. Inside a
 * transaction already, `fn` joins it (and the outer transaction decides retries).
 *
 * On PostgreSQL the transaction is SERIALIZABLE: the index reads then writes
 * (`max(seq) + 1`, "is this blob still referenced?"), and serializable isolation turns
 * every race between such writers into a serialization failure that the retry
 * resolves, never into a duplicate key or a dangling reference. SQLite serialises
 * writers anyway (`BEGIN IMMEDIATE`).
 *
 * @example
 * ```ts
 * await runTransaction(db, async (trx) => {
 *   await trx.updateTable('templates').set({usage_count: 0}).execute()
 * })
 * ```
 */
export async function runTransaction<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Kysely<DB>) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  if (db.isTransaction) return fn(db)
  const serializable = capabilitiesOf(db).serializableWrites
  return withRetry(() => {
    const builder = db.transaction()
    return (serializable ? builder.setIsolationLevel('serializable') : builder).execute(
      (trx: Transaction<DB>) => fn(trx),
    )
  }, options)
}
