/**
 * A database probe for /health that does not queue behind the connection pool. Under
 * load every pooled connection may be taken by requests, and a health check that waits
 * its turn reports a busy database as a dead one: a load balancer would then take every
 * daemon out at once. The probe keeps one connection of its own and asks `SELECT 1` on
 * it: an answer means the database is up, however busy the pool.
 *
 * PostgreSQL only: a SQLite index is a local file whose statements take milliseconds.
 */
import type {Client as PgClient} from 'pg'

import {parseDbUrl} from './database.js'

/** What the probe found. */
export type ProbeAnswer =
  /** `SELECT 1` answered within the wait. */
  | {state: 'up'}
  /** Connected, but no answer yet: a database starved of CPU or busy, not gone (for `silentMs`). */
  | {state: 'slow'; silentMs: number}

/** A database silent for this long on an open connection is taken for down, not slow. */
const SILENT_FOR_DOWN_MS = 10_000

/** One connection of its own, opened on first use and again after a failure. */
export class DatabaseProbe {
  readonly #url: string
  #client: Promise<PgClient> | undefined
  /** The `SELECT 1` asked and not answered yet, with when it was asked: one at a time. */
  #asking: {answer: Promise<void>; since: number} | undefined

  constructor(url: string) {
    this.#url = url
  }

  /**
   * Asks `SELECT 1` on the probe's connection and waits up to `timeoutMs`. Resolves `up`
   * when it answered; `slow` when the connection is open but the answer is late (the
   * question stays asked: the next check waits for the same answer, so a stall does not
   * pile up queries); rejects when the database refused, failed, or stayed silent on an
   * open connection for 10 s. A connection that cannot be opened within `timeoutMs` is a
   * rejection too.
   *
   * @example
   * ```ts
   * const probe = createDatabaseProbe(config.databaseUrl)
   * await probe?.check(900) // {state: 'up'}, {state: 'slow', silentMs: 2400}, or throws why
   * ```
   */
  async check(timeoutMs: number): Promise<ProbeAnswer> {
    // Connecting and waiting for the answer share the time given.
    const deadline = Date.now() + timeoutMs
    const client = await within(this.#connect(timeoutMs), timeoutMs, () => {
      this.#drop()
      return new Error(`could not connect to PostgreSQL within ${timeoutMs} ms`)
    })
    if (!this.#asking) {
      const asking = {
        since: Date.now(),
        answer: client.query('SELECT 1').then(
          () => {
            if (this.#asking === asking) this.#asking = undefined
          },
          (err: unknown) => {
            if (this.#asking === asking) this.#asking = undefined
            this.#drop()
            throw err
          },
        ),
      }
      asking.answer.catch(() => undefined)
      this.#asking = asking
    }
    const asking = this.#asking
    let timer: NodeJS.Timeout | undefined
    const answered = await Promise.race([
      asking.answer.then(() => true),
      new Promise<false>(
        (resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))),
      ),
    ]).finally(() => clearTimeout(timer))
    if (answered) return {state: 'up'}
    const silentMs = Date.now() - asking.since
    if (silentMs >= SILENT_FOR_DOWN_MS) {
      this.#drop()
      throw new Error(
        `no answer from PostgreSQL for ${(silentMs / 1000).toFixed(1)} s on a connection of its own`,
      )
    }
    return {state: 'slow', silentMs}
  }

  #connect(timeoutMs: number): Promise<PgClient> {
    this.#client ??= (async () => {
      const {default: pg} = await import('pg')
      const client = new pg.Client({
        connectionString: this.#url,
        connectionTimeoutMillis: timeoutMs,
        application_name: 'maestro-tpl-health',
      })
      // A connection the server drops emits 'error'; unheard it would crash the process.
      client.on('error', () => this.#drop())
      await client.connect()
      return client
    })()
    this.#client.catch(() => this.#drop())
    return this.#client
  }

  #drop(): void {
    this.#asking = undefined
    void this.close()
  }

  /** Closes the probe's connection; a stalled server gets a second, then the socket is dropped. */
  async close(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    const opened = await client?.catch(() => undefined)
    if (!opened) return
    let timer: NodeJS.Timeout | undefined
    const ended = await Promise.race([
      opened.end().then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1000))),
    ])
    clearTimeout(timer)
    if (!ended)
      (opened as unknown as {connection?: {stream?: {destroy(): void}}}).connection?.stream?.destroy()
  }
}

/** `promise`, or a rejection with `late()` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms)
  })
  promise.catch(() => undefined)
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

/**
 * The probe of a PostgreSQL index, or null for SQLite.
 *
 * @example
 * ```ts
 * const probe = createDatabaseProbe(process.env.DATABASE_URL)
 * ```
 */
export function createDatabaseProbe(databaseUrl: string | undefined): DatabaseProbe | null {
  if (!databaseUrl) return null
  const target = parseDbUrl(databaseUrl)
  return target.dialect === 'postgres' ? new DatabaseProbe(target.url) : null
}
