/**
 * The daemon's render pool: template jobs (instantiate, score) run in a few warm worker
 * threads, each with a heap limit, and a job that runs past its time limit is stopped by
 * terminating its worker. The event loop that serves requests never runs a template's
 * Liquid, so a hostile template costs one worker for at most the time limit, and other
 * requests are answered meanwhile.
 */
import {existsSync} from 'node:fs'
import {join, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import {problemToError} from '../client/errors.js'
import {RenderLimitError, ServerBusyError} from '../domain/errors.js'
import {packageRoot} from '../domain/package-root.js'
import type {QualityReport} from '../quality/types.js'
import {DEFAULT_RENDER_POOL} from './host.js'
import type {InstantiateJob, InstantiateOutput, JobKind, PackJob, RenderHost, ScoreJob} from './host.js'
import type {RenderLimits} from './render.js'
import type {JobMessage, WorkerError, WorkerMessage} from './worker.js'

export interface RenderPoolOptions {
  /** Worker threads kept warm: at most this many jobs run at once (RENDER_WORKERS). */
  workers?: number
  /** Hard wall-clock limit of one job, counted from when a worker takes it (RENDER_TIMEOUT_MS). */
  timeoutMs?: number
  /** Old-generation heap of each worker in MiB (RENDER_MAX_HEAP_MB). */
  maxHeapMb?: number
  /** Jobs that may wait for a worker; the next one is refused with ServerBusyError (RENDER_QUEUE). */
  maxQueue?: number
  /** Output limits (files, bytes) of every instantiate job. */
  limits?: RenderLimits
  /** The worker module; default {@link defaultWorkerEntry}. */
  entry?: string
}

/** Counters for /health and tests. */
export interface RenderPoolStats {
  workers: number
  busy: number
  queued: number
  /** Workers replaced because they were stopped (time limit) or died (heap limit, crash). */
  recycled: number
}

interface QueuedJob {
  id: number
  kind: JobKind
  job: unknown
  resolve(value: unknown): void
  reject(reason: unknown): void
}

interface Slot {
  worker: Worker
  ready: boolean
  running?: {job: QueuedJob; timer: NodeJS.Timeout}
  /** Set when the worker is being stopped (a limit) or has failed: the error its job gets. */
  failure?: Error
}

/**
 * The worker module beside this code: dist/bundle/render-worker.js when running from the
 * esbuild bundle (`maestro-tpl serve`), else dist/src/render/worker.js (the tsc output,
 * which the library, vitest and the benchmarks use: Node 20 cannot start a worker from
 * TypeScript sources, so tests run against the build, which `npm test` makes first).
 *
 * @example
 * ```ts
 * defaultWorkerEntry() // '/usr/lib/node_modules/maestro-tpl/dist/bundle/render-worker.js'
 * ```
 */
export function defaultWorkerEntry(): string {
  const dist = join(packageRoot(), 'dist')
  const here = fileURLToPath(import.meta.url)
  return here.startsWith(join(dist, 'bundle') + sep)
    ? join(dist, 'bundle', 'render-worker.js')
    : join(dist, 'src', 'render', 'worker.js')
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`)
  return value
}

/**
 * A bounded pool of render workers. Jobs wait in a bounded queue for a free worker; a
 * job past `timeoutMs` is stopped (RenderLimitError, limit `time`), one that exhausts
 * the worker's heap fails with limit `heap`, and either way the worker is replaced. When
 * every worker is busy and `maxQueue` jobs wait, a new job is refused at once with
 * ServerBusyError (503 with Retry-After).
 *
 * Node can still abort the whole process for some allocation patterns that reach a
 * worker's heap limit (nodejs/node#47224); LiquidJS's own memory limit (see
 * LIQUID_LIMITS) stops templates well before that heap is reached.
 *
 * @example
 * ```ts
 * const pool = new RenderPool({workers: 2, timeoutMs: 10_000, maxHeapMb: 256})
 * const {files} = await pool.instantiate({template, answers: {}, useDefaults: true, meta})
 * await pool.close()
 * ```
 */
export class RenderPool implements RenderHost {
  readonly #workers: number
  readonly #timeoutMs: number
  readonly #maxHeapMb: number
  readonly #maxQueue: number
  readonly #limits: RenderLimits | undefined
  readonly #entry: string
  readonly #slots = new Set<Slot>()
  readonly #queue: QueuedJob[] = []
  #nextId = 1
  #recycled = 0
  #closed = false

  constructor(options: RenderPoolOptions = {}) {
    this.#workers = positiveInteger('workers', options.workers ?? DEFAULT_RENDER_POOL.workers)
    this.#timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULT_RENDER_POOL.timeoutMs)
    this.#maxHeapMb = positiveInteger('maxHeapMb', options.maxHeapMb ?? DEFAULT_RENDER_POOL.maxHeapMb)
    this.#maxQueue = Math.max(0, Math.floor(options.maxQueue ?? DEFAULT_RENDER_POOL.maxQueue))
    this.#limits = options.limits
    this.#entry = options.entry ?? defaultWorkerEntry()
    if (!existsSync(this.#entry))
      throw new Error(`the render worker ${this.#entry} does not exist; build maestro-tpl (npm run build)`)
    this.#fill()
  }

  get stats(): RenderPoolStats {
    const slots = [...this.#slots]
    return {
      workers: slots.length,
      busy: slots.filter((s) => s.running).length,
      queued: this.#queue.length,
      recycled: this.#recycled,
    }
  }

  instantiate(job: InstantiateJob): Promise<InstantiateOutput> {
    const limits = {...this.#limits, ...job.limits}
    return this.#submit('instantiate', {...job, limits}) as Promise<InstantiateOutput>
  }

  score(job: ScoreJob): Promise<QualityReport> {
    return this.#submit('score', job) as Promise<QualityReport>
  }

  pack(job: PackJob): Promise<Uint8Array> {
    return this.#submit('pack', job) as Promise<Uint8Array>
  }

  /** Terminates the workers; running and waiting jobs fail with ServerBusyError. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const closing = new ServerBusyError('the daemon is shutting down', 1)
    for (const job of this.#queue.splice(0)) job.reject(closing)
    await Promise.all(
      [...this.#slots].map((slot) => {
        slot.failure ??= closing
        return slot.worker.terminate()
      }),
    )
  }

  #submit(kind: JobKind, job: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(new ServerBusyError('the render pool is closed', 1))
    this.#fill()
    // Workers still starting count as free: they take the first jobs that wait.
    const free = [...this.#slots].filter((s) => !s.running && !s.failure).length
    if (this.#queue.length >= free + this.#maxQueue) {
      return Promise.reject(
        new ServerBusyError(
          `every render worker is busy and ${this.#queue.length} jobs are waiting; try again shortly`,
          Math.ceil(this.#timeoutMs / 1000),
        ),
      )
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({id: this.#nextId++, kind, job, resolve, reject})
      this.#dispatch()
    })
  }

  #fill(): void {
    while (!this.#closed && this.#slots.size < this.#workers) this.#slots.add(this.#spawn())
  }

  #spawn(): Slot {
    const worker = new Worker(this.#entry, {
      resourceLimits: {maxOldGenerationSizeMb: this.#maxHeapMb, stackSizeMb: 4},
      // Jobs get everything they need in their message; the daemon's environment holds
      // SECRET_KEY and database credentials, which code running templates has no use for.
      env: {},
    })
    // Idle workers must not keep a process alive; a running job's timer does.
    worker.unref()
    const slot: Slot = {worker, ready: false}
    worker.on('message', (message: WorkerMessage) => this.#onMessage(slot, message))
    worker.on('error', (err: Error & {code?: string}) => {
      slot.failure ??=
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new RenderLimitError(
              `rendering ran out of memory (a render may use ${this.#maxHeapMb} MiB) and was stopped`,
              {limit: 'heap', maxHeapMb: this.#maxHeapMb},
            )
          : err
    })
    // A message that cannot be deserialised here would leave its job waiting for the time limit.
    worker.on('messageerror', (err: Error) => this.#stop(slot, err))
    worker.on('exit', () => this.#onExit(slot))
    return slot
  }

  #onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'ready') {
      slot.ready = true
      this.#dispatch()
      return
    }
    const running = slot.running
    if (!running || running.job.id !== message.id) return
    clearTimeout(running.timer)
    slot.running = undefined
    if (message.type === 'done') running.job.resolve(message.result)
    else running.job.reject(reviveError(message.error))
    this.#dispatch()
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return
      if (!slot.ready || slot.running || slot.failure) continue
      const job = this.#queue.shift()!
      const timer = setTimeout(
        () =>
          this.#stop(
            slot,
            new RenderLimitError(`rendering took longer than ${this.#timeoutMs} ms and was stopped`, {
              limit: 'time',
              timeoutMs: this.#timeoutMs,
            }),
          ),
        this.#timeoutMs,
      )
      slot.running = {job, timer}
      try {
        slot.worker.postMessage({id: job.id, kind: job.kind, job: job.job} satisfies JobMessage)
      } catch (err) {
        // The job could not be cloned to the worker: a bug in the caller, not the template's fault.
        clearTimeout(timer)
        slot.running = undefined
        job.reject(err)
      }
    }
  }

  #stop(slot: Slot, reason: Error): void {
    slot.failure ??= reason
    void slot.worker.terminate()
  }

  #onExit(slot: Slot): void {
    this.#slots.delete(slot)
    if (slot.running) {
      clearTimeout(slot.running.timer)
      slot.running.job.reject(slot.failure ?? new Error('a render worker stopped unexpectedly'))
    }
    if (this.#closed) return
    this.#recycled++
    if (!slot.ready && ![...this.#slots].some((s) => s.ready)) {
      // No worker could start (a broken install): fail what waits rather than respawn in a
      // loop; the next job tries again.
      const err = new Error(`the render worker could not start: ${slot.failure?.message ?? 'it exited'}`, {
        cause: slot.failure,
      })
      for (const job of this.#queue.splice(0)) job.reject(err)
      return
    }
    this.#fill()
    this.#dispatch()
  }
}

/** A job's error back in this thread: a domain error with its class, code and data (as the SDK rebuilds a problem). */
function reviveError(error: WorkerError): Error {
  if (error.code !== undefined) {
    return problemToError({
      ...error.data,
      type: '',
      title: '',
      status: error.status ?? 500,
      detail: error.message,
      code: error.code,
    })
  }
  const err = new Error(`render worker: ${error.message}`)
  if (error.stack) err.stack = `Error: render worker: ${error.stack}`
  return err
}
