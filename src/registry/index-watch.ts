/**
 * Notices index writes made by other processes (a CLI next to a daemon, another
 * daemon on the same database) so this process's caches never serve what they changed.
 *
 * Every index write to a namespace moves its `generation` on in the same transaction
 * (src/db/template-index.ts). Before a cached read, the watch reads the generations of
 * the namespaces the caller reads (one indexed query) and invalidates the cache for each
 * that moved since it last looked. The cache (and, in the daemon, the response cache
 * behind `notifyingCache`) stores entries under the generations seen before loading, so
 * an entry loaded before another process's write is never served after it is noticed.
 * Works the same on SQLite and PostgreSQL; nothing to configure, nothing to subscribe.
 */
import type {Cache} from '../cache/cache.js'
import type {TemplateIndex} from '../db/template-index.js'
import type {Namespace} from '../domain/types.js'

/**
 * One per opened registry, shared by its per-request views.
 *
 * @example
 * ```ts
 * const watch = new IndexWatch(index, cache)
 * await watch.check(['acme', 'public']) // before reading through the cache
 * ```
 */
export class IndexWatch {
  readonly #index: TemplateIndex
  readonly #cache: Cache
  readonly #seen = new Map<Namespace, number>()

  constructor(index: TemplateIndex, cache: Cache) {
    this.#index = index
    this.#cache = cache
  }

  /** Invalidates the cache for each of `namespaces` written since the last check. */
  async check(namespaces: readonly Namespace[]): Promise<void> {
    const current = await this.#index.generations(namespaces)
    for (const namespace of namespaces) {
      const generation = current.get(namespace) ?? 0
      const seen = this.#seen.get(namespace)
      this.#seen.set(namespace, generation)
      // The first look at a namespace has nothing to compare: its entries were stored
      // by this process, whose own writes invalidate them.
      if (seen === undefined) {
        if (generation !== 0) await this.#cache.invalidate(namespace)
      } else if (seen !== generation) await this.#cache.invalidate(namespace)
    }
  }
}
