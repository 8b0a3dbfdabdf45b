/**
 * The CLI's render host: the daemon's time and heap limits for local instantiation and
 * scoring. A template is someone else's code even on your own machine: a render that
 * loops or allocates without end is stopped after RENDER_TIMEOUT_MS, or at
 * RENDER_MAX_HEAP_MB of heap, instead of holding the terminal for minutes.
 */
import type {EvaluateJob} from '../render/evaluate.js'
import type {InstantiateJob, JobKind, PackJob, RenderHost, ScoreJob} from './host.js'
import {runInstantiate, runPack} from './host.js'
import {RenderPool} from './pool.js'

/**
 * Most text (bytes under files/) of a template that `instantiate` renders in the CLI's
 * own thread when it is bounded (render/bounded.ts): parsing and rendering that much
 * takes well under a second. A larger template goes to the worker.
 */
export const IN_THREAD_TEXT_BYTES = 1024 * 1024

/**
 * Whether instantiating a template with these files may happen in this thread (it is
 * small enough; its Liquid is checked when the job comes): a command warms the worker
 * for it only when it may not.
 */
export function mayRenderInThread(files: readonly {size: number; binary: boolean; path: string}[]): boolean {
  let bytes = 0
  for (const f of files) if (!f.binary && f.path.startsWith('files/')) bytes += f.size
  return bytes <= IN_THREAD_TEXT_BYTES
}

export interface LocalRenderLimits {
  /** Hard wall-clock limit of one job (one instantiation, or one scoring with all its renders). */
  renderTimeoutMs: number
  /** Heap of the worker that renders, MiB. */
  renderMaxHeapMb: number
}

/**
 * The CLI's render host; `warm(kinds)` starts its worker before the first job needs it,
 * loading the modules of those jobs meanwhile.
 */
export interface LocalRenderHost extends RenderHost {
  warm(kinds: readonly JobKind[]): void
}

/**
 * A render host that runs jobs one at a time in a single worker thread, started at the
 * first job (commands that render nothing start nothing). Packing runs in this thread:
 * it runs no template code, and so does instantiating a *bounded* template (one whose
 * Liquid cannot loop nor grow a value without end, see render/bounded.ts): it cannot run
 * into the limits the worker is there for, and starting the worker would cost more than
 * rendering it.
 *
 * @example
 * ```ts
 * const host = localRenderHost(config)
 * const registry = await openLocalRegistry({config, context, renderHost: host})
 * // ...
 * await host.close()
 * ```
 */
export function localRenderHost(limits: LocalRenderLimits): LocalRenderHost {
  let pool: RenderPool | undefined
  // A worker started by a job (not warmed) loads nothing ahead: the job loads what it needs.
  const started = (preload: readonly JobKind[] = []): RenderPool =>
    (pool ??= new RenderPool({
      preload,
      workers: 1,
      timeoutMs: limits.renderTimeoutMs,
      maxHeapMb: limits.renderMaxHeapMb,
      // One command's jobs wait their turn; none is turned away as a busy daemon's would be.
      maxQueue: 10_000,
    }))
  return {
    warm: (kinds) => void started(kinds),
    instantiate: async (job: InstantiateJob) => {
      const {boundedTemplate} = await import('../render/bounded.js')
      const parsed = boundedTemplate(job.template, IN_THREAD_TEXT_BYTES)
      if (parsed === undefined) return started().instantiate(job)
      // Still under the time limit: the render checks its deadline between files.
      const timeoutMs = Math.min(job.limits?.timeoutMs ?? Infinity, limits.renderTimeoutMs)
      return runInstantiate({...job, parsed, limits: {...job.limits, timeoutMs}})
    },
    score: (job: ScoreJob) => started().score(job),
    pack: (job: PackJob) => runPack(job),
    evaluate: (job: EvaluateJob) => started().evaluate(job),
    close: async () => {
      await pool?.close()
    },
  }
}
