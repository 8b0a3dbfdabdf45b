/**
 * Notices index writes made by other processes (a CLI next to a daemon, another
 * daemon on the same database) so this process's caches never serve what they changed.
 *
 * Every index write to a namespace moves its `generation` on in the same transaction
 * (src/db/template-index.ts). Before a cached read, the watch reads the generations of
 * the namespaces the caller reads (one indexed query). The registry puts them in the
 * cache key, so an entry stored before any process's write is never read after it, in
 * memory or in a Redis shared with processes that do not invalidate it; and the watch
 * invalidates the cache for each namespace that moved since it last looked, which frees
 * the old entries and, in the daemon, clears the response cache (`notifyingCache`).
 * Works the same on SQLite and PostgreSQL; nothing to configure, nothing to subscribe.
 */
import type {Cache} from '../cache/cache.js'
import type {TemplateIndex} from '../db/template-index.js'
import type {Namespace} from '../domain/types.js'

/** Write generation per namespace. */
export type Generations = ReadonlyMap<Namespace, number> & Map<Namespace, number>

/**
 * One per opened registry, shared by its per-request views.
 *
 * @example
 * ```ts
 * const watch = new IndexWatch(index, cache)
 * const generations = await watch.check(['acme', 'public']) // before reading through the cache
 * generations // Map {'acme' => 12, 'public' => 40}
 * ```
 */
export class IndexWatch {
  readonly #index: TemplateIndex
  readonly #cache: Cache
  readonly #seen = new Map<Namespace, number>()
  /** The query in flight, if any. */
  #running: Promise<Generations> | undefined
  /** Callers that came while a query was in flight: they share the next one. */
  #queued: {namespaces: Set<Namespace>; done: Promise<Generations>} | undefined

  constructor(index: TemplateIndex, cache: Cache) {
    this.#index = index
    this.#cache = cache
  }

  /**
   * The write generations of `namespaces` (0 for one never written), after invalidating
   * the cache for each written since the last check.
   *
   * Concurrent callers share queries: a caller that comes while one is in flight must not
   * take its answer (it may have been read before a write this caller should see), so it
   * joins the next query, which starts when the one in flight ends. Under load that is one
   * query per round trip to the database, however many reads there are.
   */
  check(namespaces: readonly Namespace[]): Promise<Generations> {
    if (namespaces.length === 0) return Promise.resolve(new Map())
    if (this.#running === undefined) return this.#start(new Set(namespaces))
    if (this.#queued === undefined) {
      const wanted = new Set<Namespace>()
      const done = this.#running.then(
        () => this.#next(wanted),
        () => this.#next(wanted),
      )
      this.#queued = {namespaces: wanted, done}
    }
    for (const ns of namespaces) this.#queued.namespaces.add(ns)
    return this.#queued.done
  }

  #next(namespaces: Set<Namespace>): Promise<Generations> {
    this.#queued = undefined
    return this.#start(namespaces)
  }

  #start(namespaces: Set<Namespace>): Promise<Generations> {
    const running = this.#compare([...namespaces]).finally(() => {
      if (this.#running === running) this.#running = undefined
    })
    this.#running = running
    return running
  }

  async #compare(namespaces: readonly Namespace[]): Promise<Generations> {
    const current = await this.#index.generations(namespaces)
    for (const namespace of namespaces) {
      const generation = current.get(namespace) ?? 0
      current.set(namespace, generation)
      const seen = this.#seen.get(namespace)
      this.#seen.set(namespace, generation)
      // At the first look there is nothing to free: the generations in the keys keep
      // whatever a shared cache holds from before apart.
      if (seen !== undefined && seen !== generation) await this.#cache.invalidate(namespace)
    }
    return current
  }
}
