/**
 * The registry's read-through cache, with two implementations chosen by configuration
 * ({@link createCache}): an in-memory LRU (embedded default) and Redis (production).
 *
 * Every value depends on a *scope*: the namespaces that were read to compute it (a
 * tenant's readable namespaces: its own, then `public`). Each namespace has a
 * generation; an entry is stored under the generations of its scope as they were
 * *before* the value was loaded. Invalidating a namespace moves its generation on, so
 * every entry that read it becomes unreachable at once, and a load that raced the
 * write is stored under the old generation, where nobody looks. Values are plain JSON
 * and must be treated as immutable by callers.
 *
 * @example
 * ```ts
 * const cache = new MemoryCache({maxEntries: 1000, ttlMs: 60_000})
 * const detail = await cache.getOrLoad(['acme', 'public'], 'acme:get:fastapi-service', () => load())
 * await cache.invalidate('public') // after a write to the public namespace
 * ```
 */
export interface Cache {
  readonly backend: 'memory' | 'redis'
  /**
   * The cached value of `key` in `scope`, or `load()`'s (then stored). Never fails
   * because of the cache: when the backend is unavailable the value is loaded.
   */
  getOrLoad<T>(scope: readonly string[], key: string, load: () => Promise<T>): Promise<T>
  /** Makes every entry whose scope includes `namespace` unreachable (after a write to it). */
  invalidate(namespace: string): Promise<void>
  /** Makes every entry unreachable. */
  clear(): Promise<void>
  stats(): CacheStats
  /** Round trip to the backend in ms (0 in memory); throws when it is down. */
  ping(): Promise<number>
  close(): Promise<void>
}

export interface CacheStats {
  hits: number
  misses: number
  /** Entries held; null where the backend cannot count its own keys cheaply (Redis). */
  entries: number | null
  /** Operations that failed and fell back to the database (Redis down). */
  errors?: number
  backend?: 'memory' | 'redis'
}

/** Default lifetime of an entry (ms): bounds staleness if an invalidation is ever lost. */
export const DEFAULT_CACHE_TTL_MS = 300_000

/**
 * A bounded LRU in this process, with the same scope/generation semantics as Redis.
 */
export class MemoryCache implements Cache {
  readonly backend = 'memory' as const
  readonly #entries = new Map<string, {value: unknown; expires: number; scope: readonly string[]}>()
  readonly #generations = new Map<string, number>()
  readonly #maxEntries: number
  readonly #ttlMs: number
  #epoch = 0
  #hits = 0
  #misses = 0

  constructor(opts: {maxEntries?: number; ttlMs?: number} = {}) {
    this.#maxEntries = opts.maxEntries ?? 5000
    this.#ttlMs = opts.ttlMs ?? DEFAULT_CACHE_TTL_MS
  }

  async getOrLoad<T>(scope: readonly string[], key: string, load: () => Promise<T>): Promise<T> {
    const fullKey = this.#key(scope, key)
    const entry = this.#entries.get(fullKey)
    if (entry && entry.expires >= Date.now()) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.#entries.delete(fullKey)
      this.#entries.set(fullKey, entry)
      this.#hits++
      return entry.value as T
    }
    if (entry) this.#entries.delete(fullKey)
    this.#misses++
    const value = await load()
    // Stored under the generations seen before loading: an invalidation meanwhile orphans it.
    this.#entries.set(fullKey, {value, expires: Date.now() + this.#ttlMs, scope})
    while (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value as string)
    }
    return value
  }

  #key(scope: readonly string[], key: string): string {
    const generations = scope.map((ns) => this.#generations.get(ns) ?? 0)
    return `${scope.join(',')}@${this.#epoch}.${generations.join('.')}:${key}`
  }

  async invalidate(namespace: string): Promise<void> {
    this.#generations.set(namespace, (this.#generations.get(namespace) ?? 0) + 1)
    // Unreachable already; dropping them now frees the memory instead of waiting for the LRU.
    for (const [key, entry] of this.#entries) if (entry.scope.includes(namespace)) this.#entries.delete(key)
  }

  async clear(): Promise<void> {
    this.#epoch++
    this.#entries.clear()
  }

  stats(): CacheStats {
    return {backend: 'memory', hits: this.#hits, misses: this.#misses, entries: this.#entries.size}
  }

  async ping(): Promise<number> {
    return 0
  }

  async close(): Promise<void> {}
}
