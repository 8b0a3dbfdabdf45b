/**
 * Namespace write locks shared by every daemon on one PostgreSQL or Redis: the
 * capability that serialises writes to a namespace across machines (the file lock in
 * src/store/lock.ts only reaches the processes of one machine).
 *
 * - PostgreSQL (DATABASE_URL `postgres://`): a session advisory lock,
 *   `pg_advisory_lock(key)`, held on a dedicated connection for the length of the write.
 *   If that connection dies, PostgreSQL releases the lock, and {@link LockLease.check}
 *   fails on it: the writer finds out before it moves the ref.
 * - Redis (REDIS_URL, SQLite index): `SET key token NX PX ttl`, renewed while held,
 *   released by compare-and-delete, so a writer never frees a lock a later one took.
 *
 * Which one runs is chosen by configuration ({@link createWriteLocks}); code above asks
 * only for a lease. Both are fenced twice below them: the git ref moves by
 * compare-and-swap from the parent the writer planned on, and the index transaction
 * refuses a head other than that parent (TemplateIndex `expectedHead`).
 */
import {createHash, randomBytes} from 'node:crypto'
import {setTimeout as sleep} from 'node:timers/promises'

import {ConflictError, MaestroError} from '../domain/errors.js'
import {connectRedis, disconnectRedis, firstConnection} from '../cache/redis-connection.js'
import type {RedisConnection} from '../cache/redis-connection.js'
import type {Pool as PgPool, PoolClient as PgClient} from 'pg'
import {capabilitiesOfUrl} from './dialect.js'

/** A held lock. */
export interface LockLease {
  /** Throws {@link LockLostError} unless the lock is still this holder's (a round trip). */
  check(): Promise<void>
  /** Releases the lock; never throws (a lost lock is already released). */
  release(): Promise<void>
}

/** Where namespace locks live; one per process, closed with it. */
export interface WriteLocks {
  /** `postgres` or `redis`: shown by /health and the soak harness. */
  readonly kind: 'postgres' | 'redis'
  /**
   * Takes the lock named `name`, waiting at most `timeoutMs`, then throws ConflictError.
   *
   * @example
   * ```ts
   * const lease = await locks.acquire('namespace:acme', 30_000)
   * try { await write(); await lease.check() } finally { await lease.release() }
   * ```
   */
  acquire(name: string, timeoutMs: number): Promise<LockLease>
  close(): Promise<void>
}

/** The lock was lost while held (its connection died, or its Redis key expired). */
export class LockLostError extends MaestroError {
  static readonly code = 'LOCK_LOST'
  constructor(name: string, why: string) {
    super(`the write lock on ${name} was lost (${why}); nothing was changed, try again`, {
      code: LockLostError.code,
      status: 503,
      data: {lock: name, retryAfter: 1},
    })
  }
}

/**
 * The shared lock service of a configuration: PostgreSQL when the index is there, else
 * Redis when REDIS_URL is set, else none (one machine: the file lock is enough).
 *
 * @example
 * ```ts
 * const locks = createWriteLocks({databaseUrl: process.env.DATABASE_URL, redisUrl: process.env.REDIS_URL})
 * ```
 */
export function createWriteLocks(config: {
  readonly home: string
  readonly databaseUrl?: string | undefined
  readonly redisUrl?: string | undefined
  readonly redisKeyPrefix?: string
}): WriteLocks | null {
  if (config.databaseUrl && capabilitiesOfUrl(config.databaseUrl).advisoryLocks)
    return new PostgresWriteLocks(config.databaseUrl)
  // With a SQLite index every daemon runs on one machine: its store path names the store.
  if (config.redisUrl)
    return new RedisWriteLocks(
      config.redisUrl,
      `${config.redisKeyPrefix ?? 'maestro:'}lock:${digest(config.home)}:`,
    )
  return null
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/** The 64-bit advisory lock key of a name in one registry (database and schema). */
export function advisoryKey(scope: string, name: string): string {
  const digest = createHash('sha256').update(`maestro-tpl\0${scope}\0${name}`).digest()
  return digest.readBigInt64BE(0).toString()
}

class PostgresWriteLocks implements WriteLocks {
  readonly kind = 'postgres' as const
  readonly #url: string
  /** The registry's database and schema, as the server names them: two registries on one server have two sets of locks. */
  #scope: string | undefined
  #pool: Promise<PgPool> | undefined

  constructor(url: string) {
    this.#url = url
  }

  #connect(): Promise<PgPool> {
    this.#pool ??= import('pg')
      .then(async ({default: pg}) => {
        const pool = new pg.Pool({
          connectionString: this.#url,
          // One connection per namespace being written at once by this process (writers of
          // one namespace queue in the process before they come here).
          max: 16,
          idleTimeoutMillis: 30_000,
          connectionTimeoutMillis: 5_000,
          application_name: 'maestro-tpl-lock',
        })
        pool.on('error', () => undefined)
        pool.on('connect', (client) => client.on('error', () => undefined))
        try {
          const {rows} = await pool.query<{db: string; schema: string}>(
            'SELECT current_database() AS db, current_schema() AS schema',
          )
          this.#scope = `${rows[0]!.db}.${rows[0]!.schema}`
        } catch (err) {
          await pool.end().catch(() => undefined)
          throw err
        }
        return pool
      })
      .catch((err: unknown) => {
        this.#pool = undefined
        throw err
      })
    return this.#pool
  }

  async acquire(name: string, timeoutMs: number): Promise<LockLease> {
    const pool = await this.#connect()
    const key = advisoryKey(this.#scope!, name)
    const client: PgClient = await pool.connect()
    try {
      // lock_timeout bounds the wait for an advisory lock like any other lock.
      await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`)
      await client.query('SELECT pg_advisory_lock($1::bigint)', [key])
      await client.query('SET lock_timeout = 0')
    } catch (err) {
      client.release(true)
      if ((err as {code?: string}).code === '55P03')
        throw new ConflictError(
          `${name} is locked by another daemon; gave up after ${timeoutMs} ms, try again`,
          {
            lock: name,
            timeoutMs,
          },
        )
      throw err
    }
    let released = false
    return {
      check: async () => {
        // The lock lives as long as this session: a session that still answers still holds it.
        try {
          await client.query('SELECT 1')
        } catch (err) {
          throw new LockLostError(name, `its database session ended: ${(err as Error).message}`)
        }
      },
      release: async () => {
        if (released) return
        released = true
        try {
          await client.query('SELECT pg_advisory_unlock($1::bigint)', [key])
          client.release()
        } catch {
          // A dead session released the lock with it; drop the connection.
          client.release(true)
        }
      },
    }
  }

  async close(): Promise<void> {
    const pool = this.#pool
    this.#pool = undefined
    if (pool) await (await pool).end()
  }
}

/** Deletes the key only if it still holds our token. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`
/** Extends the key's life only if it still holds our token. */
const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`

/** How long a Redis lock lives without renewal: a dead holder blocks others this long at most. */
const REDIS_LOCK_TTL_MS = 10_000

/** The lease of a write that went on under the file lock alone (Redis unreachable). */
const UNSHARED_LEASE: LockLease = Object.freeze({
  check: async () => undefined,
  release: async () => undefined,
})

class RedisWriteLocks implements WriteLocks {
  readonly kind = 'redis' as const
  readonly #client: RedisConnection
  readonly #prefix: string

  constructor(url: string, prefix: string) {
    this.#client = connectRedis({url, role: 'write lock', commandTimeoutMs: 1000})
    this.#prefix = prefix
  }

  async acquire(name: string, timeoutMs: number): Promise<LockLease> {
    await firstConnection(this.#client)
    const key = this.#prefix + name
    const token = randomBytes(16).toString('hex')
    const deadline = Date.now() + timeoutMs
    let pause = 5
    for (;;) {
      let taken: string | null
      try {
        taken = await withinDeadline(this.#client.set(key, token, {NX: true, PX: REDIS_LOCK_TTL_MS}))
      } catch {
        // Redis is down or stalled. Its daemons share one machine (the index is SQLite),
        // where the lock file that is taken next serialises them: writes go on without Redis.
        return UNSHARED_LEASE
      }
      if (taken === 'OK') break
      if (Date.now() >= deadline)
        throw new ConflictError(
          `${name} is locked by another daemon; gave up after ${timeoutMs} ms, try again`,
          {
            lock: name,
            timeoutMs,
          },
        )
      await sleep(Math.min(pause, Math.max(1, deadline - Date.now())))
      pause = Math.min(pause * 2, 50)
    }
    let lost: string | null = null
    const renew = async (): Promise<void> => {
      const kept = await withinDeadline(
        this.#client.eval(RENEW_SCRIPT, {keys: [key], arguments: [token, String(REDIS_LOCK_TTL_MS)]}),
      )
      if (kept !== 1) lost = 'its key expired or was taken'
    }
    const renewal = setInterval(() => {
      renew().catch(() => undefined)
    }, REDIS_LOCK_TTL_MS / 3)
    renewal.unref()
    let released = false
    return {
      check: async () => {
        // Redis not answering proves nothing (the lock file still holds this machine's
        // writers); only a key that another writer holds now means the lock was lost.
        if (lost === null) await renew().catch(() => undefined)
        if (lost !== null) throw new LockLostError(name, lost)
      },
      release: async () => {
        if (released) return
        released = true
        clearInterval(renewal)
        await withinDeadline(this.#client.eval(RELEASE_SCRIPT, {keys: [key], arguments: [token]})).catch(
          () => undefined,
        )
      },
    }
  }

  async close(): Promise<void> {
    // A stalled Redis would hold a graceful close forever.
    await withinDeadline(disconnectRedis(this.#client)).catch(() => this.#client.destroy())
  }
}

/** How long one Redis call of the lock may take. */
const REDIS_CALL_MS = 1000

/**
 * `call`, or a rejection after REDIS_CALL_MS: node-redis's own command timeout does not
 * fire while the socket is stalled (a stopped Redis), and a write must not wait on it.
 */
function withinDeadline<T>(call: Promise<T>, ms = REDIS_CALL_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms)
  })
  call.catch(() => undefined)
  return Promise.race([call, expired]).finally(() => clearTimeout(timer))
}
