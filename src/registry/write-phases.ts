/**
 * Where this process's writes spend their time, by phase, since start: what /metrics
 * shows as `maestro_write_phase_seconds` and the soak harness prints. Without it, a
 * publish that took 20 s under load tells nothing of whether it waited for a render
 * worker, for its turn at the namespace lock, for a database connection, or ran.
 *
 * Per write: `score` (validation and scoring, renders), `objects` (blobs and trees,
 * before the lock), `queue` (from joining the namespace's write queue until its turn
 * starts: lock turns of this and other daemons), `decide` (reading the index under
 * the lock), `commit` (the git commit, under the lock), `ack` (from the end of its batch to the
 * answer: summary read, cache invalidation). Per batch: `lock` (waiting for the lock
 * once the batch is ready), `connection` (waiting for the batch's database
 * connection), `reconcile` (indexing what other daemons committed), `index` (the batch's
 * index transaction), `hold` (the whole lock hold).
 */

export type WritePhase =
  | 'score'
  | 'objects'
  | 'queue'
  | 'lock'
  | 'connection'
  | 'reconcile'
  | 'decide'
  | 'commit'
  | 'index'
  | 'hold'
  | 'ack'

export interface PhaseFigures {
  count: number
  /** Seconds in total. */
  sum: number
  /** Longest, seconds. */
  max: number
}

const phases = new Map<WritePhase, PhaseFigures>()
const batches = {count: 0, writes: 0, largest: 0}

/** Records `ms` spent in `phase`. */
export function recordPhase(phase: WritePhase, ms: number): void {
  let figures = phases.get(phase)
  if (!figures) phases.set(phase, (figures = {count: 0, sum: 0, max: 0}))
  const seconds = ms / 1000
  figures.count++
  figures.sum += seconds
  if (seconds > figures.max) figures.max = seconds
}

/**
 * Runs `fn` and records its time in `phase` (failed or not).
 *
 * @example
 * ```ts
 * const report = await timed('score', () => host.score(job))
 * ```
 */
export async function timed<T>(phase: WritePhase, fn: () => Promise<T>): Promise<T> {
  const started = performance.now()
  try {
    return await fn()
  } finally {
    recordPhase(phase, performance.now() - started)
  }
}

/** Records one batch of `writes` writes run in one lock hold. */
export function recordBatch(writes: number): void {
  batches.count++
  batches.writes += writes
  if (writes > batches.largest) batches.largest = writes
}

/** A copy of the figures so far. */
export function writePhaseFigures(): {
  phases: Partial<Record<WritePhase, PhaseFigures>>
  batches: {count: number; writes: number; largest: number}
} {
  return {
    phases: Object.fromEntries([...phases].map(([phase, f]) => [phase, {...f}])),
    batches: {...batches},
  }
}
