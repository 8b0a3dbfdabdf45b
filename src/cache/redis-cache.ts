/**
 * The registry's cache in Redis, shared by every daemon (and CLI) using the same Redis.
 *
 * Invalidation is by generation tokens, not by deleting keys: each namespace has a key
 * `<prefix>cache:gen:<namespace>` holding a random token, and one `<prefix>cache:epoch`
 * covers everything. An entry's key carries the tokens of its scope, read *before* the
 * value was loaded from the database (one round trip reads the tokens and the entry). A write replaces the namespace's
 * token (one SET, atomic, seen by every daemon at once): entries under the old token are
 * never read again and expire by their TTL, and a read that raced the write stores its
 * stale value under the old token, where nobody looks. Deleting by prefix could not give
 * that: SCAN walks the whole keyspace, is not atomic with concurrent reads, and KEYS
 * blocks the server. Tokens are random rather than counters so that a generation key
 * lost to eviction or a restart never brings old entries back.
 *
 * Redis down or stalled (every call has a deadline, see {@link callRedis}): reads load
 * from the database (a rate-limited warning is logged); a failed invalidation is
 * remembered and retried before this process reads the cache again.
 */
import {randomBytes} from 'node:crypto'

import type {Logger} from 'pino'

import type {Cache, CacheStats} from './cache.js'
import {DEFAULT_CACHE_TTL_MS} from './cache.js'
import {
  callRedis,
  connectRedis,
  disconnectRedis,
  firstConnection,
  pingRedis,
  rateLimitedWarning,
} from './redis-connection.js'
import type {RedisConnection} from './redis-connection.js'

export interface RedisCacheOptions {
  url: string
  /** Prefix of every key (default `maestro:`); tests use one of their own. */
  prefix?: string | undefined
  ttlMs?: number
  logger?: Logger | undefined
}

/**
 * KEYS: the epoch and the scope's generation keys; ARGV: a fresh token for any that is
 * missing, the entry key's prefix and suffix. Returns the entry key (built from the
 * tokens) and the entry when there is one. The entry key is not declared in KEYS: this
 * cache targets a standalone (or replicated) Redis, not Redis Cluster.
 */
const READ_ENTRY = `
local tokens = {}
for i, key in ipairs(KEYS) do
  local t = redis.call('GET', key)
  if not t then
    redis.call('SET', key, ARGV[1], 'NX')
    t = redis.call('GET', key)
  end
  tokens[i] = t
end
local entry = ARGV[2] .. table.concat(tokens, '.') .. ARGV[3]
local value = redis.call('GET', entry)
if value then return {entry, value} end
return {entry}
`

/** A fresh generation token: 12 random characters. */
function token(): string {
  return randomBytes(9).toString('base64url')
}

/**
 * @example
 * ```ts
 * const cache = new RedisCache({url: 'redis://127.0.0.1:6379', logger})
 * const hits = await cache.getOrLoad(['acme', 'public'], 'acme:search:...', () => index.search(...))
 * await cache.invalidate('acme')
 * ```
 */
export class RedisCache implements Cache {
  readonly backend = 'redis' as const
  readonly #client: RedisConnection
  readonly #prefix: string
  readonly #ttlMs: number
  readonly #warn: (err: unknown, message?: string) => void
  /** Namespaces (and '*' for the epoch) whose invalidation failed; retried before the next read. */
  readonly #pending = new Set<string>()
  #hits = 0
  #misses = 0
  #errors = 0

  constructor(options: RedisCacheOptions) {
    this.#prefix = options.prefix ?? 'maestro:'
    this.#ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS
    this.#warn = rateLimitedWarning(options.logger, 'cache')
    this.#client = connectRedis({url: options.url, logger: options.logger, role: 'cache'})
  }

  get #epochKey(): string {
    return `${this.#prefix}cache:epoch`
  }

  #generationKey(namespace: string): string {
    return `${this.#prefix}cache:gen:${namespace}`
  }

  async getOrLoad<T>(scope: readonly string[], key: string, load: () => Promise<T>): Promise<T> {
    let entryKey: string
    try {
      await this.#flushPending()
      // One round trip: the tokens of the scope (created when missing), then the entry under them.
      const reply = (await callRedis(this.#client, (c) =>
        c.eval(READ_ENTRY, {
          keys: [this.#epochKey, ...scope.map((ns) => this.#generationKey(ns))],
          arguments: [token(), `${this.#prefix}cache:entry:${scope.join(',')}:`, `:${key}`],
        }),
      )) as [string, string?]
      entryKey = reply[0]
      if (typeof reply[1] === 'string') {
        this.#hits++
        return JSON.parse(reply[1]) as T
      }
    } catch (err) {
      this.#errors++
      this.#misses++
      this.#warn(err, 'cache unavailable: reading from the database')
      return load()
    }
    this.#misses++
    const value = await load()
    // Not awaited by the caller's answer: a failed store only costs a later miss.
    callRedis(this.#client, (c) =>
      c.set(entryKey, JSON.stringify(value), {expiration: {type: 'PX', value: this.#ttlMs}}),
    ).catch((err: unknown) => {
      this.#errors++
      this.#warn(err, 'cache unavailable: could not store an entry')
    })
    return value
  }

  async invalidate(namespace: string): Promise<void> {
    this.#pending.add(namespace)
    // A CLI command writes right after starting: its invalidation must not be skipped
    // because the connection was still being made.
    await firstConnection(this.#client)
    await this.#flushPending().catch((err: unknown) => {
      this.#errors++
      this.#warn(err, 'cache unavailable: invalidation deferred until Redis answers')
    })
  }

  async #flushPending(): Promise<void> {
    for (const namespace of [...this.#pending]) {
      const key = namespace === '*' ? this.#epochKey : this.#generationKey(namespace)
      await callRedis(this.#client, (c) => c.set(key, token()))
      this.#pending.delete(namespace)
    }
  }

  /**
   * Moves the epoch on (every entry unreachable at once), then frees the memory of the
   * old entries with SCAN + UNLINK of the cache's own prefix (admin action, not a hot path).
   */
  async clear(): Promise<void> {
    this.#pending.add('*')
    try {
      await firstConnection(this.#client)
      await this.#flushPending()
      const match = `${this.#prefix}cache:entry:*`
      let cursor = '0'
      do {
        const page = await callRedis(this.#client, (c) => c.scan(cursor, {MATCH: match, COUNT: 1000}))
        cursor = String(page.cursor)
        if (page.keys.length > 0) await callRedis(this.#client, (c) => c.unlink(page.keys))
      } while (cursor !== '0')
    } catch (err) {
      this.#errors++
      this.#warn(err, 'cache unavailable: clear deferred until Redis answers')
    }
  }

  stats(): CacheStats {
    return {backend: 'redis', hits: this.#hits, misses: this.#misses, entries: null, errors: this.#errors}
  }

  ping(): Promise<number> {
    return pingRedis(this.#client)
  }

  async close(): Promise<void> {
    // A last try for invalidations deferred while Redis was away; the TTL bounds the rest.
    if (this.#pending.size > 0) {
      await this.#flushPending().catch((err: unknown) => {
        this.#warn(err, 'cache unavailable: invalidations lost at exit, entries expire by their TTL')
      })
    }
    await disconnectRedis(this.#client)
  }
}
