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

/** One connection of its own, opened on first use and again after a failure. */
export class DatabaseProbe {
  readonly #url: string
  #client: Promise<PgClient> | undefined
  /** The check running now: /health requests that arrive meanwhile share it. */
  #running: Promise<void> | undefined

  constructor(url: string) {
    this.#url = url
  }

  /**
   * Resolves when the database answers `SELECT 1` on the probe's connection within
   * `timeoutMs` (connecting included); rejects with the reason otherwise.
   *
   * @example
   * ```ts
   * const probe = createDatabaseProbe(config.databaseUrl)
   * await probe?.check(900) // throws "no answer from PostgreSQL within 900 ms"
   * ```
   */
  check(timeoutMs: number): Promise<void> {
    this.#running ??= this.#check(timeoutMs).finally(() => (this.#running = undefined))
    return this.#running
  }

  async #check(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer from PostgreSQL within ${timeoutMs} ms on a connection of its own`)),
        timeoutMs,
      )
    })
    const asked = (async () => {
      const client = await this.#connect(timeoutMs)
      await client.query('SELECT 1')
    })()
    try {
      await Promise.race([asked, expired])
    } catch (err) {
      // A connection that failed or stalled is not trusted again: the next check opens another.
      asked.catch(() => undefined)
      this.#drop()
      throw err
    } finally {
      clearTimeout(timer)
    }
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
    return this.#client
  }

  #drop(): void {
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
    if (!ended) (opened as unknown as {connection?: {stream?: {destroy(): void}}}).connection?.stream?.destroy()
  }
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
