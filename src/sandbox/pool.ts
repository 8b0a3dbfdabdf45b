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

import {RenderLimitError, ServerBusyError, errorFromCode} from '../domain/errors.js'
import {packageRoot} from '../domain/package-root.js'
import type {EvaluateJob} from '../render/evaluate.js'
import {ownRecord} from '../domain/records.js'
import type {QualityReport} from '../quality/types.js'
import {DEFAULT_RENDER_POOL} from '../config.js'
import type {InstantiateJob, InstantiateOutput, JobKind, PackJob, RenderHost, ScoreJob} from './host.js'
import type {RenderLimits} from '../render/render.js'
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
  /** Longest a job waits for a worker before it fails with ServerBusyError, ms (RENDER_QUEUE_WAIT_MS). */
  maxWaitMs?: number
  /**
   * Workers one tenant may hold at once (RENDER_TENANT_WORKERS); default 0: all of them.
   * Either way waiting jobs are dispatched round-robin between tenants.
   */
  tenantWorkers?: number
  /** Output limits (files, bytes) of every instantiate job. */
  limits?: RenderLimits
  /** The worker module; default {@link defaultWorkerEntry}. */
  entry?: string
  /** The jobs whose modules a new worker loads before it says it is ready; default every kind. */
  preload?: readonly JobKind[]
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
  /** Whose job it is: the unit of fairness ('' for jobs that name no tenant). */
  tenant: string
  job: unknown
  resolve(value: unknown): void
  reject(reason: unknown): void
  /** Fails the job with ServerBusyError once it has waited `maxWaitMs`. */
  expiry?: NodeJS.Timeout
}

interface Slot {
  worker: Worker
  ready: boolean
  running?: {job: QueuedJob; timer: NodeJS.Timeout} | undefined
  /** Set when the worker is being stopped (a limit) or has failed: the error its job gets. */
  failure?: Error
}

/**
 * The worker module beside this code: dist/bundle/render-worker.js when running from the
 * esbuild bundle (`maestro-tpl serve`), else dist/src/sandbox/worker.js (the tsc output,
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
    : join(dist, 'src', 'sandbox', 'worker.js')
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
 * Fairness: each tenant has its own queue and a free worker takes the next job
 * round-robin over the tenants that wait (and, with `tenantWorkers`, whose running jobs
 * are under that cap). One tenant's flood of heavy renders therefore delays another
 * tenant's job by at most one `timeoutMs`: the first worker to free up takes it. No job
 * waits longer than `maxWaitMs`.
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
  readonly #preload: readonly JobKind[] | undefined
  readonly #slots = new Set<Slot>()
  readonly #maxWaitMs: number
  readonly #tenantWorkers: number
  /** Waiting jobs by tenant, each in arrival order. */
  readonly #queues = new Map<string, QueuedJob[]>()
  /** Tenants with waiting jobs, in round-robin order; `#turn` is whose turn is next. */
  readonly #order: string[] = []
  #turn = 0
  /** Jobs running per tenant. */
  readonly #running = new Map<string, number>()
  #queued = 0
  #nextId = 1
  #recycled = 0
  /** Jobs that ended (done, failed or stopped): progress, for patient jobs waiting in the queue. */
  #finished = 0
  #closed = false

  constructor(options: RenderPoolOptions = {}) {
    this.#workers = positiveInteger('workers', options.workers ?? DEFAULT_RENDER_POOL.workers)
    this.#timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULT_RENDER_POOL.timeoutMs)
    this.#maxHeapMb = positiveInteger('maxHeapMb', options.maxHeapMb ?? DEFAULT_RENDER_POOL.maxHeapMb)
    this.#maxQueue = Math.max(0, Math.floor(options.maxQueue ?? DEFAULT_RENDER_POOL.maxQueue))
    this.#maxWaitMs = positiveInteger('maxWaitMs', options.maxWaitMs ?? DEFAULT_RENDER_POOL.maxWaitMs)
    this.#tenantWorkers = Math.max(0, Math.floor(options.tenantWorkers ?? 0))
    this.#limits = options.limits
    this.#entry = options.entry ?? defaultWorkerEntry()
    this.#preload = options.preload
    if (!existsSync(this.#entry))
      throw new Error(`the render worker ${this.#entry} does not exist; build maestro-tpl (npm run build)`)
    this.#fill()
  }

  get stats(): RenderPoolStats {
    const slots = [...this.#slots]
    return {
      workers: slots.length,
      busy: slots.filter((s) => s.running).length,
      queued: this.#queued,
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

  evaluate(job: EvaluateJob): Promise<unknown[]> {
    return this.#submit('evaluate', job) as Promise<unknown[]>
  }

  /** Terminates the workers; running and waiting jobs fail with ServerBusyError. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const closing = new ServerBusyError('the daemon is shutting down', 1)
    for (const job of this.#drain()) job.reject(closing)
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
    if (this.#queued >= free + this.#maxQueue) {
      return Promise.reject(
        new ServerBusyError(
          `every render worker is busy and ${this.#queued} jobs are waiting; try again shortly`,
          Math.ceil(this.#timeoutMs / 1000),
        ),
      )
    }
    const {
      tenant = '',
      signal,
      patient = false,
      ...payload
    } = job as {tenant?: string; signal?: AbortSignal; patient?: boolean}
    if (signal?.aborted) return Promise.reject(signal.reason as Error)
    return new Promise((resolve, reject) => {
      const done = () => signal?.removeEventListener('abort', abort)
      const queued: QueuedJob = {
        id: this.#nextId++,
        kind,
        tenant,
        job: payload,
        resolve: (value) => {
          done()
          resolve(value)
        },
        reject: (reason) => {
          done()
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the jobs' own errors (and an abort's reason) pass through as they are
          reject(reason)
        },
      }
      // Aborted while waiting: out of the queue. While running: its worker is stopped
      // (and replaced), as for the time limit, since a render cannot be interrupted inside.
      const abort = () => {
        if (this.#remove(queued)) {
          clearTimeout(queued.expiry)
          queued.reject(signal!.reason)
          return
        }
        for (const slot of this.#slots)
          if (slot.running?.job === queued) this.#stop(slot, signal!.reason as Error)
      }
      signal?.addEventListener('abort', abort, {once: true})
      const expire = (finishedBefore: number) => {
        queued.expiry = setTimeout(() => {
          // A patient job (a publish's scoring) waits on while the pool keeps finishing jobs:
          // it fails only when no job ended for a whole `maxWaitMs` (a stuck pool).
          if (patient && this.#finished !== finishedBefore) return expire(this.#finished)
          if (!this.#remove(queued)) return
          queued.reject(
            new ServerBusyError(
              `no render worker was free within ${this.#maxWaitMs} ms; try again shortly`,
              Math.ceil(this.#timeoutMs / 1000),
            ),
          )
        }, this.#maxWaitMs)
        queued.expiry.unref()
      }
      expire(this.#finished)
      this.#enqueue(queued)
      this.#dispatch()
    })
  }

  #enqueue(job: QueuedJob): void {
    let queue = this.#queues.get(job.tenant)
    if (!queue) {
      queue = []
      this.#queues.set(job.tenant, queue)
      // A tenant that starts waiting goes last in the round.
      this.#order.splice(this.#turn, 0, job.tenant)
      this.#turn = (this.#turn + 1) % this.#order.length
    }
    queue.push(job)
    this.#queued++
  }

  /** The next job round-robin over the tenants under their worker cap, or undefined. */
  #next(): QueuedJob | undefined {
    const cap = this.#tenantWorkers || Infinity
    for (let i = 0; i < this.#order.length; i++) {
      const at = (this.#turn + i) % this.#order.length
      const tenant = this.#order[at]!
      if ((this.#running.get(tenant) ?? 0) >= cap) continue
      const queue = this.#queues.get(tenant)!
      const job = queue.shift()!
      this.#queued--
      clearTimeout(job.expiry)
      if (queue.length === 0) {
        this.#queues.delete(tenant)
        this.#order.splice(at, 1)
        this.#turn = this.#order.length === 0 ? 0 : at % this.#order.length
      } else this.#turn = (at + 1) % this.#order.length
      return job
    }
    return undefined
  }

  /** Takes a waiting job out of its queue; false when it is no longer waiting. */
  #remove(job: QueuedJob): boolean {
    const queue = this.#queues.get(job.tenant)
    const index = queue?.indexOf(job) ?? -1
    if (!queue || index < 0) return false
    queue.splice(index, 1)
    this.#queued--
    if (queue.length === 0) {
      this.#queues.delete(job.tenant)
      const at = this.#order.indexOf(job.tenant)
      this.#order.splice(at, 1)
      if (at < this.#turn) this.#turn--
      if (this.#turn >= this.#order.length) this.#turn = 0
    }
    return true
  }

  /** Empties every queue, returning what waited. */
  #drain(): QueuedJob[] {
    const all = [...this.#queues.values()].flat()
    for (const job of all) clearTimeout(job.expiry)
    this.#queues.clear()
    this.#order.length = 0
    this.#turn = 0
    this.#queued = 0
    return all
  }

  #started(job: QueuedJob): void {
    this.#running.set(job.tenant, (this.#running.get(job.tenant) ?? 0) + 1)
  }

  #ended(job: QueuedJob): void {
    this.#finished++
    const left = (this.#running.get(job.tenant) ?? 1) - 1
    if (left > 0) this.#running.set(job.tenant, left)
    else this.#running.delete(job.tenant)
  }

  #fill(): void {
    while (!this.#closed && this.#slots.size < this.#workers) this.#slots.add(this.#spawn())
  }

  #spawn(): Slot {
    const worker = new Worker(this.#entry, {
      ...(this.#preload ? {workerData: {preload: this.#preload}} : {}),
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
    this.#ended(running.job)
    if (message.type === 'done') running.job.resolve(message.result)
    else running.job.reject(reviveError(message.error))
    this.#dispatch()
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queued === 0) return
      if (!slot.ready || slot.running || slot.failure) continue
      const job = this.#next()
      if (!job) return
      this.#started(job)
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
        this.#ended(job)
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
      this.#ended(slot.running.job)
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
      for (const job of this.#drain()) job.reject(err)
      return
    }
    this.#fill()
    this.#dispatch()
  }
}

/** A job's error back in this thread: a domain error with its class, code and data (as the SDK rebuilds a problem document). */
function reviveError(error: WorkerError): Error {
  if (error.code !== undefined) {
    return errorFromCode(
      error.code,
      error.message,
      error.status ?? 500,
      Object.assign(ownRecord(), error.data),
    )
  }
  const err = new Error(`render worker: ${error.message}`)
  if (error.stack) err.stack = `Error: render worker: ${error.stack}`
  return err
}
