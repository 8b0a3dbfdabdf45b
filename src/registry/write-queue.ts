/**
 * Group commit for one process: writes to a namespace queue here, and whoever takes the
 * namespace's lock runs every write that waits (up to a batch size) in that one lock
 * hold, one commit each, in arrival order. Taking the lock (a file, an advisory lock or a
 * Redis key) and bringing the index up to git happen once per batch instead of once per
 * write, which is what made publishes into one busy tenant slow.
 */
import {ConflictError} from '../domain/errors.js'

interface Pending<C> {
  work(context: C): Promise<unknown>
  resolve(value: unknown): void
  reject(reason: unknown): void
  enqueuedAt: number
}

export interface WriteQueueOptions {
  /** Longest a write may wait for its turn, ms; then it fails with ConflictError (409). */
  maxWaitMs: number
  /** Writes run in one lock hold at most (other daemons get the lock between batches). Default 32. */
  maxBatch?: number
}

/**
 * @example
 * ```ts
 * const queue = new WriteQueue({maxWaitMs: 30_000})
 * const result = await queue.run('acme', (batch) => repo.withLock(async () => {
 *   await reconcile()
 *   await batch()
 * }), () => commitAndIndex(change))
 * ```
 */
export class WriteQueue<C = void> {
  readonly #pending = new Map<string, Pending<C>[]>()
  readonly #draining = new Set<string>()
  /** Batches running now, each until its lock is released (a write settles before that). */
  readonly #drains = new Set<Promise<void>>()
  readonly #maxWaitMs: number
  readonly #maxBatch: number

  constructor(options: WriteQueueOptions) {
    this.#maxWaitMs = options.maxWaitMs
    this.#maxBatch = options.maxBatch ?? 32
  }

  /**
   * Runs `work` in a batch of `key`'s writes. `hold(batch)` takes the lock, prepares
   * (once per batch) and calls `batch(context)`, which runs the writes of the batch, each
   * given that context (what the batch's writes share, e.g. their pending index writes).
   */
  run<T>(
    key: string,
    hold: (batch: (context: C) => Promise<void>) => Promise<void>,
    work: (context: C) => Promise<T>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let queue = this.#pending.get(key)
      if (!queue) this.#pending.set(key, (queue = []))
      queue.push({work, resolve: resolve, reject, enqueuedAt: Date.now()})
      if (!this.#draining.has(key)) {
        const drain = this.#drain(key, hold)
        this.#drains.add(drain)
        void drain.finally(() => this.#drains.delete(drain))
      }
    })
  }

  /**
   * Resolves once no batch is running: every lock taken for one is released. A write's
   * promise settles inside its batch, before the lock is given back, so whoever closes
   * the registry waits here, or the next process finds the lock file still held.
   */
  async idle(): Promise<void> {
    while (this.#drains.size > 0) await Promise.all(this.#drains)
  }

  async #drain(key: string, hold: (batch: (context: C) => Promise<void>) => Promise<void>): Promise<void> {
    this.#draining.add(key)
    try {
      for (;;) {
        const queue = this.#pending.get(key)
        if (!queue || queue.length === 0) {
          this.#pending.delete(key)
          return
        }
        const batch = queue.splice(0, this.#maxBatch)
        const settled = new Set<Pending<C>>()
        try {
          await hold(async (context) => {
            for (const item of batch) {
              settled.add(item)
              if (Date.now() - item.enqueuedAt > this.#maxWaitMs) {
                item.reject(
                  new ConflictError(
                    `${key} is busy; the write waited ${this.#maxWaitMs} ms for its turn, try again`,
                    {
                      lock: key,
                      timeoutMs: this.#maxWaitMs,
                    },
                  ),
                )
                continue
              }
              try {
                item.resolve(await item.work(context))
              } catch (err) {
                item.reject(err)
              }
            }
          })
        } catch (err) {
          // The lock could not be taken (or preparing failed): what did not run fails with it.
          for (const item of batch) if (!settled.has(item)) item.reject(err)
        }
      }
    } finally {
      this.#draining.delete(key)
    }
  }
}
