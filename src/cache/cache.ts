/**
 * A small cache interface with two implementations chosen by configuration: an
 * in-memory LRU (embedded default) and Redis (production). Keys are namespaced by
 * tenant by the caller; values are JSON-serialisable.
 *
 * @example
 * ```ts
 * const cache = new MemoryCache({maxEntries: 1000, ttlMs: 60_000})
 * await cache.set('t:public:get:fastapi-service', detail)
 * ```
 */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown, ttlMs?: number): Promise<void>
  /** Removes every key starting with `prefix`. */
  deletePrefix(prefix: string): Promise<void>
  clear(): Promise<void>
  stats(): CacheStats
  close(): Promise<void>
}

export interface CacheStats {
  hits: number
  misses: number
  entries: number
}

export class MemoryCache implements Cache {
  readonly #entries = new Map<string, {value: unknown; expires: number}>()
  readonly #maxEntries: number
  readonly #ttlMs: number
  #hits = 0
  #misses = 0

  constructor(opts: {maxEntries?: number; ttlMs?: number} = {}) {
    this.#maxEntries = opts.maxEntries ?? 5000
    this.#ttlMs = opts.ttlMs ?? 300_000
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.getSync<T>(key)
  }

  /** Synchronous read for hot paths that must not yield. */
  getSync<T>(key: string): T | undefined {
    const entry = this.#entries.get(key)
    if (!entry || entry.expires < Date.now()) {
      if (entry) this.#entries.delete(key)
      this.#misses++
      return undefined
    }
    // Re-insert to mark as most recently used (Map keeps insertion order).
    this.#entries.delete(key)
    this.#entries.set(key, entry)
    this.#hits++
    return entry.value as T
  }

  async set(key: string, value: unknown, ttlMs = this.#ttlMs): Promise<void> {
    this.#entries.delete(key)
    this.#entries.set(key, {value, expires: Date.now() + ttlMs})
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string
      this.#entries.delete(oldest)
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.#entries.delete(key)
  }

  async clear(): Promise<void> {
    this.#entries.clear()
  }

  stats(): CacheStats {
    return {hits: this.#hits, misses: this.#misses, entries: this.#entries.size}
  }

  async close(): Promise<void> {}
}
