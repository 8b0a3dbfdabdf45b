/**
 * Group commit for one process: writes to a namespace queue here, and whoever takes the
 * namespace's lock runs the writes that wait, one commit each, in arrival order, in that
 * one lock hold. A batch takes every write that waits, including those that arrive while
 * it runs, until it has held the lock for `maxHoldMs`: the batch grows with the queue, so
 * a write in a long queue does not need a lock turn of its own, and other daemons still
 * get the lock between batches. Taking the lock (a file, an advisory lock or a Redis key)
 * and bringing the index up to git happen once per batch instead of once per write.
 *
 * A write fails only when its namespace makes no progress: when the lock turn it waits
 * for cannot take the lock (the lock's own wait, MAESTRO_WRITE_LOCK_WAIT_MS, runs out:
 * ConflictError, 409). A write at the back of a long queue that moves waits as long as
 * the queue takes.
 */
import {recordBatch, recordPhase} from './write-phases.js'

interface Pending<C> {
  work(context: C): Promise<unknown>
  resolve(value: unknown): void
  reject(reason: unknown): void
  enqueuedAt: number
}

export interface WriteQueueOptions {
  /**
   * A batch takes no more writes once it has held the lock this long, ms. Default 3000:
   * long enough that the per-batch costs (lock turn, catching up, the index transaction)
   * are shared by many writes when each commit is slow (a machine short of CPU), short
   * enough that another daemon waits a few seconds for its turn, far within the lock wait.
   */
  maxHoldMs?: number
  /** Writes one batch runs at most. Default 1000. */
  maxBatch?: number
}

/**
 * @example
 * ```ts
 * const queue = new WriteQueue()
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
  readonly #maxHoldMs: number
  readonly #maxBatch: number

  constructor(options: WriteQueueOptions = {}) {
    this.#maxHoldMs = options.maxHoldMs ?? 3000
    this.#maxBatch = options.maxBatch ?? 1000
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
      queue.push({work, resolve, reject, enqueuedAt: performance.now()})
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
      // Writes that arrive in the same tick share the first turn.
      await Promise.resolve()
      for (;;) {
        const queue = this.#pending.get(key)
        if (!queue || queue.length === 0) {
          this.#pending.delete(key)
          return
        }
        // The writes this turn is for: if the lock cannot be had, they have waited a whole
        // lock wait with no progress and fail; later ones get a turn of their own.
        const waiting = new Set(queue)
        try {
          await hold(async (context) => {
            const since = performance.now()
            // From here on the turn made progress: what is left waits for the next one.
            waiting.clear()
            let ran = 0
            while (
              queue.length > 0 &&
              ran < this.#maxBatch &&
              (ran === 0 || performance.now() - since < this.#maxHoldMs)
            ) {
              const item = queue.shift()!
              ran++
              recordPhase('queue', performance.now() - item.enqueuedAt)
              try {
                item.resolve(await item.work(context))
              } catch (err) {
                item.reject(err)
              }
            }
            recordBatch(ran)
          })
        } catch (err) {
          // The lock could not be taken, or preparing failed: the writes this turn was for
          // fail with it. When it failed after its writes ran (their index transaction),
          // they are settled already and the writes that came after get a turn of their own.
          for (let i = queue.length - 1; i >= 0; i--) {
            const item = queue[i]!
            if (!waiting.has(item)) continue
            queue.splice(i, 1)
            item.reject(err)
          }
        }
      }
    } finally {
      this.#draining.delete(key)
    }
  }
}
