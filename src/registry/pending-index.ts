/**
 * The index writes of one group-commit batch (src/registry/write-queue.ts). Each write of
 * the batch commits to git and leaves its index write here; at the end of the batch they
 * are recorded together, in one index transaction fenced once by the head the batch's
 * first commit was made on (`TemplateIndex.recordChanges`: a few multi-row statements per
 * table for the whole batch). One transaction per batch instead of one per write: the
 * per-transaction cost (BEGIN, the fencing read, COMMIT and its flush to disk) and the
 * round trips of each statement are paid once for the whole batch, inside the namespace lock.
 *
 * A write that decides from what the index holds about a template a pending write
 * touches flushes first, so every decision sees the writes before it.
 */
import type {IndexChange} from '../db/template-index.js'

interface Pending {
  name: string
  parent: string | null
  change: IndexChange
  resolve(): void
  reject(reason: unknown): void
}

/**
 * @example
 * ```ts
 * const pending = new PendingIndexWrites((parent, changes) => index.recordChanges(changes, parent))
 * const indexed = pending.add('api', commit.parent, {kind: 'version', input})
 * await pending.flush() // at the end of the batch, under the lock
 * await indexed // the write is acknowledged only now
 * ```
 */
export class PendingIndexWrites {
  readonly #record: (parent: string | null, changes: IndexChange[]) => Promise<void>
  #writes: Pending[] = []

  /** `record` indexes `changes` in order, fenced by `parent` (the first's); it throws when they are not all recorded. */
  constructor(record: (parent: string | null, changes: IndexChange[]) => Promise<void>) {
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
  add(name: string, parent: string | null, change: IndexChange): Promise<void> {
    const indexed = new Promise<void>((resolve, reject) => {
      this.#writes.push({name, parent, change, resolve, reject})
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
        writes.map((w) => w.change),
      )
    } catch (err) {
      for (const w of writes) w.reject(err)
      throw err
    }
    for (const w of writes) w.resolve()
  }
}
