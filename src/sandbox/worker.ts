/**
 * The render worker: a thin host around the pure jobs of host.ts, started by RenderPool
 * (pool.ts) in a worker thread with a heap limit, and terminated by it when a job runs
 * past its time limit. It loads the renderer and the quality checks once, says it is
 * ready, then runs one job per message.
 *
 * Loaded from dist/src/sandbox/worker.js (tsc) or dist/bundle/render-worker.js (the
 * esbuild bundle the CLI and `maestro-tpl serve` run from); see defaultWorkerEntry().
 */
import {parentPort, workerData} from 'node:worker_threads'

import {isMaestroError} from '../domain/errors.js'
import {JOBS} from './host.js'
import type {JobKind} from './host.js'

/** main → worker: run one job. */
export interface JobMessage {
  id: number
  kind: JobKind
  job: unknown
}

/** A job's error as it crosses the thread boundary: a domain error keeps its code and data. */
export interface WorkerError {
  message: string
  code?: string
  status?: number
  data?: Record<string, unknown>
  stack?: string
}

/** worker → main. */
export type WorkerMessage =
  | {type: 'ready'}
  | {type: 'done'; id: number; result: unknown}
  | {type: 'failed'; id: number; error: WorkerError}

function toWorkerError(err: unknown): WorkerError {
  if (isMaestroError(err)) {
    const error: WorkerError = {message: err.message, code: err.code, status: err.status}
    try {
      error.data = structuredClone(err.data)
    } catch {
      // Data that cannot cross the thread boundary: the code and message still do.
    }
    return error
  }
  if (err instanceof Error) return {message: err.message, ...(err.stack ? {stack: err.stack} : {})}
  return {message: String(err)}
}

if (parentPort) {
  const port = parentPort
  const send = (message: WorkerMessage) => port.postMessage(message)
  port.on('message', (message: JobMessage) => {
    const run = JOBS[message.kind] as (job: unknown) => Promise<unknown>
    run(message.job).then(
      (result) => {
        try {
          send({type: 'done', id: message.id, result})
        } catch (err) {
          send({type: 'failed', id: message.id, error: toWorkerError(err)})
        }
      },
      (err: unknown) => send({type: 'failed', id: message.id, error: toWorkerError(err)}),
    )
  })
  // Warm: load what the jobs will need now, not on the first request. The daemon's workers
  // load everything; the CLI's one worker only what its command runs (workerData.preload),
  // since every module loaded is compiled again in each thread.
  const modules: Record<JobKind, () => Promise<unknown>[]> = {
    instantiate: () => [import('../render/answers.js'), import('../render/render.js')],
    score: () => [import('../quality/score.js')],
    pack: () => [import('../archive/archive.js')],
    evaluate: () => [import('../render/evaluate.js')],
  }
  const preload = (workerData as {preload?: JobKind[]} | null)?.preload ?? (Object.keys(modules) as JobKind[])
  await Promise.all(preload.flatMap((kind) => modules[kind]()))
  send({type: 'ready'})
}
