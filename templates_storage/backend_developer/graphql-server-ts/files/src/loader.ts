/**
 * Batches the loads of one tick into one call and caches them for the request, like
 * DataLoader: resolving `author` for 100 books costs one query, not 100.
 */
export class BatchLoader<K, V> {
  #queue: {key: K; resolve: (v: V | undefined) => void; reject: (e: unknown) => void}[] = []
  #cache = new Map<K, Promise<V | undefined>>()

  constructor(
    private readonly batch: (keys: readonly K[]) => Promise<V[]>,
    private readonly keyOf: (value: V) => K,
  ) {}

  load(key: K): Promise<V | undefined> {
    const cached = this.#cache.get(key)
    if (cached) return cached
    const promise = new Promise<V | undefined>((resolve, reject) => {
      this.#queue.push({key, resolve, reject})
      if (this.#queue.length === 1) queueMicrotask(() => void this.#dispatch())
    })
    this.#cache.set(key, promise)
    return promise
  }

  async #dispatch(): Promise<void> {
    const queue = this.#queue
    this.#queue = []
    try {
      const values = await this.batch(queue.map((q) => q.key))
      const byKey = new Map(values.map((v) => [this.keyOf(v), v]))
      for (const q of queue) q.resolve(byKey.get(q.key))
    } catch (err) {
      for (const q of queue) q.reject(err)
    }
  }
}
