/**
 * Where a template's Liquid runs. Rendering and quality scoring execute code that
 * whoever published the template wrote: in the CLI that is the user's own machine and
 * it runs in this thread ({@link IN_PROCESS}); the daemon runs it in a pool of worker
 * threads with a hard time and heap limit (see pool.ts), behind the same interface.
 *
 * The jobs themselves are the pure functions of render.ts, parameters.ts and
 * quality/score.ts: a host only decides where they run.
 */
import type {Template} from 'liquidjs'

import type {Answers, LoadedTemplate} from '../domain/types.js'
import type {QualityReport} from '../quality/types.js'
import type {EvaluateJob} from '../render/evaluate.js'
import type {RenderLimits, RenderMeta} from '../render/render.js'

/** Render a template for a project: resolve the answers, then render the files. */
export interface InstantiateJob {
  template: LoadedTemplate
  /** Answers as the caller gave them; defaults, `when` and Liquid defaults are worked out in the job. */
  answers: Answers
  /** Use defaults for unanswered parameters instead of failing. */
  useDefaults: boolean
  meta: RenderMeta
  limits?: RenderLimits
  /** Who asked (a tenant): the daemon's pool shares its workers fairly between tenants. */
  tenant?: string
  /**
   * Stops the job (a cancelled workflow): the pool terminates the worker running it, in
   * this thread the render stops before its next file. Never sent to a worker.
   */
  signal?: AbortSignal | undefined
  /**
   * The template's Liquid already parsed (boundedTemplate, render/bounded.ts): the CLI
   * renders a bounded template in its own thread. Never sent to a worker.
   */
  parsed?: ReadonlyMap<string, Template[]>
}

export interface InstantiateOutput {
  /** The resolved answers the files were rendered with. */
  answers: Answers
  /** Rendered files by POSIX path (without .maestro-answers.yaml). */
  files: Map<string, Uint8Array>
}

/** Score a template (which renders it with its defaults and examples). */
export interface ScoreJob {
  template: LoadedTemplate
  minScore?: number
  /** Who asked (a tenant): the daemon's pool shares its workers fairly between tenants. */
  tenant?: string
  /**
   * A publish's scoring: it waits for a worker as long as the pool keeps finishing jobs,
   * not only RENDER_QUEUE_WAIT_MS (a publish is a write its client expects to land; an
   * interactive render keeps the fixed bound).
   */
  patient?: boolean
}

/** Pack rendered (or template) files into a downloadable archive, each under `root/`. */
export interface PackJob {
  files: ReadonlyMap<string, Uint8Array>
  format: 'tar.gz' | 'zip'
  root: string
  /** Who asked (a tenant): the daemon's pool shares its workers fairly between tenants. */
  tenant?: string
}

/**
 * Runs template jobs. Errors are the domain's (RenderError, InvalidAnswersError,
 * RenderLimitError...), wherever the job ran.
 */
export interface RenderHost {
  instantiate(job: InstantiateJob): Promise<InstantiateOutput>
  score(job: ScoreJob): Promise<QualityReport>
  /** Compressing up to a render's worth of output takes seconds: off the event loop in the daemon too. */
  pack(job: PackJob): Promise<Uint8Array>
  /** Workflow step inputs: Liquid over a tree of values (evaluate.ts). */
  evaluate(job: EvaluateJob): Promise<unknown[]>
  /** Stops whatever the host started (workers); jobs still waiting fail. */
  close(): Promise<void>
}

/**
 * Resolves the answers and renders the files: the instantiate job.
 *
 * @example
 * ```ts
 * const {answers, files} = await runInstantiate({template, answers: {project_name: 'billing'}, useDefaults: true, meta})
 * ```
 */
export async function runInstantiate(job: InstantiateJob): Promise<InstantiateOutput> {
  const [{resolveAnswers}, {renderTemplate}] = await Promise.all([
    import('../render/answers.js'),
    import('../render/render.js'),
  ])
  const answers = await resolveAnswers(job.template.manifest.parameters, job.answers, {
    useDefaults: job.useDefaults,
  })
  const files = await renderTemplate(job.template, answers, job.meta, {
    ...(job.limits ? {limits: job.limits} : {}),
    ...(job.parsed ? {parsed: job.parsed} : {}),
    signal: job.signal,
  })
  return {answers, files}
}

/**
 * Scores a template: the score job.
 *
 * @example
 * ```ts
 * const report = await runScore({template, minScore: 70})
 * ```
 */
export async function runScore(job: ScoreJob): Promise<QualityReport> {
  const {scoreTemplate} = await import('../quality/score.js')
  return scoreTemplate(job.template, job.minScore === undefined ? {} : {minScore: job.minScore})
}

/**
 * Packs files as a .tar.gz or .zip: the pack job.
 *
 * @example
 * ```ts
 * const zip = await runPack({files: project.files, format: 'zip', root: 'billing'})
 * ```
 */
export async function runPack(job: PackJob): Promise<Uint8Array> {
  const {packTarGz, packZip} = await import('../archive/archive.js')
  return job.format === 'zip' ? packZip(job.files, job.root) : packTarGz(job.files, job.root)
}

/**
 * Evaluates a workflow step's expressions: the evaluate job.
 *
 * @example
 * ```ts
 * const [port] = await runEvaluateJob({entries: [{label: 'port', value: '{{ parameters.port }}'}], scope})
 * ```
 */
export async function runEvaluateJob(job: EvaluateJob): Promise<unknown[]> {
  const {runEvaluate} = await import('../render/evaluate.js')
  return runEvaluate(job)
}

/** The jobs a host runs, by name: what a worker message names. */
export const JOBS = Object.freeze({
  instantiate: runInstantiate,
  score: runScore,
  pack: runPack,
  evaluate: runEvaluateJob,
})
export type JobKind = keyof typeof JOBS

/**
 * Jobs run in this thread: what the CLI uses (the templates are the user's to run).
 *
 * @example
 * ```ts
 * const registry = await openLocalRegistry({config, context, renderHost: IN_PROCESS})
 * ```
 */
export const IN_PROCESS: RenderHost = Object.freeze({
  instantiate: runInstantiate,
  score: runScore,
  pack: runPack,
  evaluate: runEvaluateJob,
  close: async () => {},
})
