/**
 * The index writes of one group-commit batch (src/registry/write-queue.ts). Each write of
 * the batch commits to git and leaves its index write here; at the end of the batch they
 * are recorded together, in one index transaction fenced once by the head the batch's
 * first commit was made on. One transaction per batch instead of one per write: the
 * per-transaction cost (BEGIN, the fencing read, COMMIT and its flush to disk) is paid
 * once for the whole batch, inside the namespace lock.
 *
 * A write that decides from what the index holds about a template a pending write
 * touches flushes first, so every decision sees the writes before it.
 */
import type {TemplateIndex} from '../db/template-index.js'

/** One index write; `expectedHead` is given to the first of a transaction only (fencing). */
export type IndexWrite = (index: TemplateIndex, expectedHead: string | null | undefined) => Promise<unknown>

interface Pending {
  name: string
  parent: string | null
  write: IndexWrite
  resolve(): void
  reject(reason: unknown): void
}

/**
 * @example
 * ```ts
 * const pending = new PendingIndexWrites((parent, writes) =>
 *   index.transaction(async (tx) => {
 *     for (const [i, write] of writes.entries()) await write(tx, i === 0 ? parent : undefined)
 *   }),
 * )
 * const indexed = pending.add('api', commit.parent, (tx, head) => tx.recordVersion({...input, expectedHead: head}))
 * await pending.flush() // at the end of the batch, under the lock
 * await indexed // the write is acknowledged only now
 * ```
 */
export class PendingIndexWrites {
  readonly #record: (parent: string | null, writes: IndexWrite[]) => Promise<void>
  #writes: Pending[] = []

  /** `record` indexes `writes` in order, the first fenced by `parent`; it throws when they are not all recorded. */
  constructor(record: (parent: string | null, writes: IndexWrite[]) => Promise<void>) {
    this.#record = record
  }

  /** Whether a pending write changes template `name` (decide about it only after a flush). */
  touches(name: string): boolean {
    return this.#writes.some((w) => w.name === name)
  }

  /**
   * Leaves the index write of a commit made on `parent`; the promise settles when it is
   * recorded (or not: with the error). Writes must be added in commit order.
   */
  add(name: string, parent: string | null, write: IndexWrite): Promise<void> {
    const indexed = new Promise<void>((resolve, reject) => {
      this.#writes.push({name, parent, write, resolve, reject})
    })
    // Settled by flush(); whoever added it awaits it after the batch, maybe after it failed.
    indexed.catch(() => {})
    return indexed
  }

  /** Records every pending write in one go. */
  async flush(): Promise<void> {
    const writes = this.#writes
    if (writes.length === 0) return
    this.#writes = []
    try {
      await this.#record(
        writes[0]!.parent,
        writes.map((w) => w.write),
      )
    } catch (err) {
      for (const w of writes) w.reject(err)
      throw err
    }
    for (const w of writes) w.resolve()
  }
}
