/**
 * Workflows as a service: publish, list and read definitions (stored and indexed by the
 * registry like templates, see package.ts), and execute them durably. The CLI, the
 * daemon's routes and the request stream all call this one object.
 *
 * An execution is a row (store.ts). Executing queues it on the event bus (stream
 * `<prefix>streams:workflows:executions`, consumer group `maestro`), so whichever daemon
 * reads it runs it; the runner holds a lease on the row, renewed while it works. A daemon
 * that dies leaves its entry pending: another daemon's consumer claims it (XAUTOCLAIM)
 * once idle, takes the expired lease, rebuilds the workspace from the recorded changes
 * of the finished steps and carries on from the first step not finished.
 */
import type {Kysely} from 'kysely'
import type {Logger} from 'pino'

import type {Config} from '../config.js'
import {InvalidTemplateError, MaestroError, NotFoundError, UsageError} from '../domain/errors.js'
import {coerceAnswers} from '../domain/parameters.js'
import {resolveAnswers} from '../render/answers.js'
import type {Answers} from '../domain/types.js'
import type {EventBus, Fields} from '../events/bus.js'
import {StreamConsumer} from '../events/consumer.js'
import type {RenderHost} from '../sandbox/host.js'
import type {DeleteResult, PublishResult, Registry, RequestContext} from '../domain/registry.js'
import type {Workspace} from './actions.js'
import {applyChanges, runWorkflow} from './engine.js'
import type {FinishedStep, StepChanges} from './engine.js'
import {ExecutionStateError} from './errors.js'
import {parseWorkflowFiles, workflowAsTemplate} from './package.js'
import {Redactor, openSecrets, recordedAnswers, sealSecrets, secretValues} from './secrets.js'
import {ExecutionStore, packChanges, unpackChanges} from './store.js'
import type {
  ExecutionEvent,
  ExecutionRecord,
  LoadedWorkflow,
  WorkflowAnswers,
  WorkflowDefinition,
} from './types.js'

/** A registry that can act for another caller, and read workflows (LocalRegistry). */
export interface ContextualRegistry extends Registry {
  withContext(context: RequestContext): Registry
  /** The caller's view of workflows: template reads never answer one (src/registry/local-registry.ts). */
  forWorkflows(context: RequestContext): Registry
}

export interface WorkflowSummary {
  id: string
  namespace: string
  name: string
  version: string
  description: string
  tags: string[]
  quality_score: number | null
  updated_at: string
}

export interface WorkflowDetail extends WorkflowSummary {
  commit: string
  readme: string
  definition: WorkflowDefinition
}

export interface ExecuteOptions {
  answers?: Answers
  useDefaults?: boolean
  idempotencyKey?: string | undefined
}

export interface DryRunResult {
  workflow: string
  version: string
  state: 'succeeded' | 'failed'
  error: {code: string; message: string; step?: string} | null
  steps: {
    id: string
    uses: string
    state: string
    outputs: Record<string, unknown> | null
    error: {code: string; message: string} | null
  }[]
  outputs: Record<string, unknown> | null
  files: {path: string; size: number; preview?: string}[]
}

/** The files of a finished execution: the project, and its `.git` when the git action ran. */
export interface ExecutionResult {
  files: Map<string, Uint8Array>
  git: Map<string, Uint8Array> | null
}

export interface WorkflowRuntimeOptions {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the index database (Kysely<Database>); store.ts types its tables
  db: Kysely<any>
  registry: ContextualRegistry
  host: RenderHost
  config: Config
  /** Without one, executions run only when asked with {@link WorkflowRuntime.runNow} (the CLI). */
  bus?: EventBus | undefined
  /** This process's consumer name (stable across restarts). */
  consumer?: string
  logger?: Logger | undefined
}

const PREVIEW_BYTES = 2048

export class WorkflowRuntime {
  readonly store: ExecutionStore
  readonly #options: WorkflowRuntimeOptions
  #consumer: StreamConsumer | undefined
  #purge: NodeJS.Timeout | undefined
  /** Executions this process runs right now, by id. */
  readonly #running = new Map<string, Promise<unknown>>()

  constructor(options: WorkflowRuntimeOptions) {
    this.#options = options
    this.store = new ExecutionStore(options.db)
  }

  get stream(): string {
    return `${this.#options.bus?.keyPrefix ?? 'maestro:'}streams:workflows:executions`
  }

  /** Templates as `ctx` sees them (what a template step renders). */
  #registry(ctx: RequestContext): Registry {
    return this.#options.registry.withContext(ctx)
  }

  /** Workflows as `ctx` sees them. */
  #workflows(ctx: RequestContext): Registry {
    return this.#options.registry.forWorkflows(ctx)
  }

  // ---- definitions -------------------------------------------------------------------

  /** Publishes a workflow into the caller's namespace (an editor's right, as for templates). */
  async publish(ctx: RequestContext, workflow: LoadedWorkflow, namespace?: string): Promise<PublishResult> {
    await this.#checkTemplates(ctx, workflow.definition)
    return this.#workflows(ctx).publish({
      template: workflowAsTemplate(workflow),
      ...(namespace ? {namespace} : {}),
      message: `${workflow.definition.name}@${workflow.definition.version} (workflow)`,
    })
  }

  /**
   * Deletes a workflow as a template is deleted (an editor's right in its namespace; the
   * namespace's git history keeps every published version). A template's name answers 404
   * saying it is a template: this never deletes one. Executions already made are kept
   * until their results expire.
   */
  async delete(ctx: RequestContext, ref: string): Promise<DeleteResult> {
    return this.#workflows(ctx).delete(ref)
  }

  /** Every literal `template` a step names must exist for the publisher (a templated one is checked when it runs). */
  async #checkTemplates(ctx: RequestContext, definition: WorkflowDefinition): Promise<void> {
    const registry = this.#registry(ctx)
    const issues = []
    for (const [i, step] of definition.steps.entries()) {
      const ref = step.with.template
      if (step.uses !== 'template' || typeof ref !== 'string' || /\{\{|\{%/.test(ref)) continue
      try {
        // A workflow is not found here (the message says it is one): workflows do not nest.
        await registry.get(ref)
      } catch (err) {
        if (!(err instanceof MaestroError) || err.status !== 404) throw err
        issues.push({
          file: 'workflow.yaml',
          path: `/steps/${i}/with/template`,
          message: `steps[${i}].with.template ${JSON.stringify(ref)}: ${err.message}`,
        })
      }
    }
    if (issues.length > 0)
      throw new InvalidTemplateError(issues, 'workflow.yaml names templates that cannot be used')
  }

  /** Checks a workflow as publish would, without storing anything. */
  async validate(
    ctx: RequestContext,
    workflow: LoadedWorkflow,
  ): Promise<{name: string; version: string; steps: number; quality: {score: number; passed: boolean}}> {
    await this.#checkTemplates(ctx, workflow.definition)
    const report = await this.#options.host.score({
      template: workflowAsTemplate(workflow),
      minScore: this.#options.config.minTemplateQualityScore,
      tenant: ctx.tenant,
    })
    return {
      name: workflow.definition.name,
      version: workflow.definition.version,
      steps: workflow.definition.steps.length,
      quality: {score: report.score, passed: report.passed},
    }
  }

  /** The workflows `ctx` may read, searched by `text` like templates (name, tags, description, README). */
  async list(ctx: RequestContext, query: {text?: string; limit?: number; offset?: number} = {}) {
    const result = await this.#workflows(ctx).search(query)
    return {...result, items: result.items.map(summary)}
  }

  async get(ctx: RequestContext, ref: string): Promise<WorkflowDetail> {
    // Not found (or a template's name) answers 404 with the way to what exists (the registry's message).
    const files = await this.#workflows(ctx).getFiles(ref)
    const {definition, readme} = parseWorkflowFiles(
      files.files,
      `${files.detail.namespace}/${files.detail.name}`,
    )
    return {...summary(files.detail), commit: files.detail.commit, readme, definition}
  }

  // ---- executions --------------------------------------------------------------------

  async #answers(definition: WorkflowDefinition, options: ExecuteOptions): Promise<WorkflowAnswers> {
    return resolveAnswers(
      definition.parameters,
      coerceAnswers(definition.parameters, options.answers ?? {}),
      {
        useDefaults: options.useDefaults ?? true,
      },
    )
  }

  /**
   * Queues an execution (202): answers are checked first, secrets sealed, the row written,
   * and the execution handed to the bus. A repeated idempotency key answers the first execution.
   */
  async execute(
    ctx: RequestContext,
    ref: string,
    options: ExecuteOptions = {},
  ): Promise<{execution: ExecutionRecord; created: boolean}> {
    const workflow = await this.get(ctx, ref)
    const answers = await this.#answers(workflow.definition, options)
    const secret = new Set(workflow.definition.parameters.filter((p) => p.secret === true).map((p) => p.name))
    const secrets: WorkflowAnswers = {}
    for (const [k, v] of Object.entries(answers)) if (secret.has(k)) secrets[k] = v
    const {id, created} = await this.store.create({
      tenant: ctx.tenant,
      workflowId: workflow.id,
      workflow: workflow.name,
      version: workflow.version,
      namespace: workflow.namespace,
      parameters: recordedAnswers(workflow.definition.parameters, answers),
      sealedSecrets: sealSecrets(secrets, this.#options.config.secretKey),
      createdBy: ctx.user,
      idempotencyKey: options.idempotencyKey,
      steps: workflow.definition.steps,
    })
    if (created) {
      await this.store.appendEvent(id, 'execution', {state: 'queued'})
      await this.#enqueue(id)
    }
    return {execution: (await this.store.get(ctx.tenant, id))!, created}
  }

  async #enqueue(id: string): Promise<void> {
    const bus = this.#options.bus
    if (bus && this.#consumer) await bus.add(this.stream, {execution_id: id})
  }

  /** Runs a workflow entirely in memory: the files it would make and previews, nothing stored. */
  async dryRun(ctx: RequestContext, ref: string, options: ExecuteOptions = {}): Promise<DryRunResult> {
    const workflow = await this.get(ctx, ref)
    const answers = await this.#answers(workflow.definition, options)
    const redactor = new Redactor(secretValues(workflow.definition.parameters, answers))
    const workspace: Workspace = {files: new Map(), git: null}
    const steps: DryRunResult['steps'] = workflow.definition.steps.map((s) => ({
      id: s.id,
      uses: s.uses,
      state: 'pending',
      outputs: null,
      error: null,
    }))
    const outcome = await runWorkflow({
      definition: workflow.definition,
      answers,
      execution: {id: 'dry-run', created_at: new Date().toISOString()},
      workspace,
      done: new Map(),
      registry: this.#registry(ctx),
      host: this.#options.host,
      tenant: ctx.tenant,
      redactor,
      hooks: {
        stepStarted: async () => {},
        cancelled: async () => false,
        stepFinished: async (step, result) => {
          const row = steps.find((s) => s.id === step.id)!
          Object.assign(row, {state: result.state, outputs: result.outputs, error: result.error})
        },
      },
    })
    const files = [...workspace.files]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, content]) => {
        const safe = redactor.bytes(content)
        const entry: DryRunResult['files'][number] = {path, size: content.byteLength}
        if (!safe.subarray(0, 8000).includes(0))
          entry.preview = new TextDecoder().decode(safe.subarray(0, PREVIEW_BYTES))
        return entry
      })
    return {
      workflow: workflow.name,
      version: workflow.version,
      state: outcome.state === 'succeeded' ? 'succeeded' : 'failed',
      error: outcome.error,
      steps,
      outputs: outcome.outputs,
      files,
    }
  }

  /** `latest` names the tenant's most recent execution (what a person at a terminal means). */
  async #resolve(ctx: RequestContext, id: string): Promise<string> {
    if (id !== 'latest') return id
    const {items} = await this.store.list(ctx.tenant, {limit: 1, offset: 0})
    if (items.length === 0) throw new NotFoundError('execution', id, 'run a workflow first')
    return items[0]!.id
  }

  async status(ctx: RequestContext, ref: string): Promise<ExecutionRecord> {
    const id = await this.#resolve(ctx, ref)
    const record = await this.store.get(ctx.tenant, id)
    if (!record) throw new NotFoundError('execution', id)
    return record
  }

  async executions(ctx: RequestContext, opts: {limit?: number; offset?: number; workflow?: string} = {}) {
    const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100)
    const offset = Math.max(opts.offset ?? 0, 0)
    const {items, total} = await this.store.list(ctx.tenant, {limit, offset, workflow: opts.workflow})
    return {items, total, limit, offset}
  }

  async events(ctx: RequestContext, ref: string, after = 0): Promise<ExecutionEvent[]> {
    const {id} = await this.status(ctx, ref)
    return this.store.events(id, after)
  }

  /** Cancels a queued or running execution; a running one is interrupted in its step (see CANCEL_POLL_MS). */
  async cancel(ctx: RequestContext, ref: string): Promise<ExecutionRecord> {
    const record = await this.status(ctx, ref)
    const id = record.id
    if (record.state !== 'queued' && record.state !== 'running')
      throw new ExecutionStateError(
        `execution ${id} is ${record.state}; only a queued or running execution can be cancelled`,
        {state: record.state},
      )
    await this.store.requestCancel(ctx.tenant, id)
    if (record.state === 'queued' && !this.#running.has(id)) {
      // Nobody has started it: it ends now (a runner that picks it up later finds it cancelled).
      if (await this.store.lease(id, 'cancel', 1000)) {
        await this.store.setState(id, 'cancelled', {
          clearSecrets: true,
          error: {code: 'EXECUTION_CANCELLED', message: `execution ${id} was cancelled`},
        })
        await this.store.appendEvent(id, 'execution', {state: 'cancelled'})
        await this.store.releaseLease(id, 'cancel')
      }
    }
    return this.status(ctx, id)
  }

  /**
   * Queues a failed or cancelled execution again from its failed step: the steps that
   * succeeded are kept with their changes. Secret answers may be given again (they are
   * needed when the first ones could not be kept).
   */
  async retry(ctx: RequestContext, ref: string, secrets?: Answers): Promise<ExecutionRecord> {
    const record = await this.status(ctx, ref)
    const id = record.id
    if (record.state !== 'failed' && record.state !== 'cancelled')
      throw new ExecutionStateError(
        `execution ${id} is ${record.state}; only a failed or cancelled execution can be retried`,
        {state: record.state},
      )
    let sealed: string | null | undefined
    if (secrets && Object.keys(secrets).length > 0) {
      const workflow = await this.get(ctx, `${record.workflow_id}`).catch(() => undefined)
      const names = new Set(
        (workflow?.definition.parameters ?? []).filter((p) => p.secret === true).map((p) => p.name),
      )
      const unknown = Object.keys(secrets).filter((k) => !names.has(k))
      if (unknown.length > 0)
        throw new UsageError(`not secret parameters of ${record.workflow}: ${unknown.join(', ')}`)
      sealed = sealSecrets(secrets, this.#options.config.secretKey)
    }
    if (!(await this.store.resetForRetry(ctx.tenant, id, sealed)))
      throw new ExecutionStateError(`execution ${id} changed state meanwhile; look again`, {})
    await this.store.appendEvent(id, 'execution', {state: 'queued', retry: true})
    await this.#enqueue(id)
    return this.status(ctx, id)
  }

  /** The stored result of a succeeded execution. */
  async result(ctx: RequestContext, ref: string): Promise<ExecutionResult> {
    const record = await this.status(ctx, ref)
    const id = record.id
    if (record.state !== 'succeeded')
      throw new ExecutionStateError(
        `execution ${id} is ${record.state}; only a succeeded execution has a result`,
        {state: record.state},
      )
    const stored = await this.store.result(ctx.tenant, id)
    if (!stored)
      throw new NotFoundError(
        'execution result',
        id,
        'results are kept for WORKFLOW_RESULT_TTL_HOURS and up to WORKFLOW_RESULT_MAX_MB; run it again',
      )
    const changes = unpackChanges(stored)
    return {files: new Map(changes.written), git: changes.git?.files ?? null}
  }

  // ---- running -----------------------------------------------------------------------

  /**
   * Runs an execution in this process (the CLI; the daemon's consumer calls it too).
   * Answers the final record and, when this process ran it to the end, the workspace
   * with the secrets in it (for a local output folder; never stored).
   */
  async runNow(
    id: string,
    onEvent?: (event: ExecutionEvent) => void | Promise<void>,
  ): Promise<{record: ExecutionRecord; workspace: Workspace | null}> {
    const run = this.#run(id, onEvent)
    this.#running.set(id, run)
    try {
      return await run
    } finally {
      this.#running.delete(id)
    }
  }

  async #run(
    id: string,
    onEvent?: (event: ExecutionEvent) => void | Promise<void>,
  ): Promise<{record: ExecutionRecord; workspace: Workspace | null}> {
    const {config} = this.#options
    const owner = this.#options.consumer ?? `pid-${process.pid}`
    const loaded = await this.store.load(id)
    if (!loaded) throw new NotFoundError('execution', id)
    const finished = () => ({record: loaded.record, workspace: null})
    if (loaded.record.state !== 'queued' && loaded.record.state !== 'running') return finished()
    if (!(await this.store.lease(id, owner, config.workflowLeaseMs))) throw new LeaseHeldError(id)
    const renew = setInterval(
      () => {
        this.store.lease(id, owner, config.workflowLeaseMs).catch(() => {})
      },
      Math.max(200, Math.floor(config.workflowLeaseMs / 3)),
    )
    renew.unref()
    const emit = async (type: ExecutionEvent['type'], data: Record<string, unknown>) => {
      const event = await this.store.appendEvent(id, type, data)
      // Awaited: a caller that reacts to an event (a cancel after a step) does so before the next step.
      await onEvent?.(event)
    }
    try {
      const record = loaded.record
      const ctx: RequestContext = {tenant: record.tenant, user: record.created_by, role: 'viewer'}
      const registry = this.#registry(ctx)
      const workflow = await this.get(ctx, `${loaded.namespace}/${record.workflow}@${record.version}`)
      const params = workflow.definition.parameters
      let answers: WorkflowAnswers = {...record.parameters}
      if (loaded.sealedSecrets) {
        const secrets = openSecrets(loaded.sealedSecrets, config.secretKey)
        if (!secrets) {
          await this.store.setState(id, 'failed', {
            error: {
              code: 'SECRETS_UNAVAILABLE',
              message:
                'the secret answers were sealed under another SECRET_KEY (or by a process without one); retry with the secrets',
            },
          })
          await emit('execution', {state: 'failed'})
          return {record: (await this.store.load(id))!.record, workspace: null}
        }
        answers = {...answers, ...secrets}
      }
      const redactor = new Redactor(secretValues(params, answers))
      const workspace: Workspace = {files: new Map(), git: null}
      const done = new Map<string, FinishedStep>()
      for (const step of record.steps) {
        if (step.state !== 'succeeded' && step.state !== 'skipped') continue
        done.set(step.id, {state: step.state, outputs: step.outputs})
        const changes = loaded.changes.get(step.id)
        if (changes) applyChanges(workspace, changes)
      }
      if (record.state === 'queued') {
        await this.store.setState(id, 'running')
        await emit('execution', {state: 'running', resumed: done.size > 0})
      } else await emit('execution', {state: 'running', resumed: true})
      const positions = new Map(workflow.definition.steps.map((s, i) => [s.id, i]))
      const outcome = await runWorkflow({
        definition: workflow.definition,
        answers,
        execution: {id, created_at: record.created_at},
        workspace,
        done,
        registry,
        host: this.#options.host,
        tenant: record.tenant,
        redactor,
        hooks: {
          cancelled: () => this.store.cancelRequested(id),
          stepStarted: async (step) => {
            await this.store.stepStarted(id, positions.get(step.id)!)
            await emit('step', {id: step.id, state: 'running'})
          },
          stepFinished: async (step, result) => {
            const changes = result.changes ? redactChanges(result.changes, redactor) : null
            await this.store.stepFinished(id, positions.get(step.id)!, result, changes)
            for (const line of result.logs)
              await emit('log', {step: step.id, level: line.level, message: line.message})
            await emit('step', {
              id: step.id,
              state: result.state,
              ...(result.error ? {error: result.error} : {}),
            })
          },
        },
      })
      if (outcome.state === 'succeeded') await this.#saveResult(id, workspace, redactor)
      await this.store.setState(id, outcome.state, {
        outputs: outcome.outputs,
        error: outcome.error,
        clearSecrets: outcome.state !== 'failed',
      })
      await emit('execution', {state: outcome.state, ...(outcome.error ? {error: outcome.error} : {})})
      return {record: (await this.store.load(id))!.record, workspace}
    } catch (err) {
      if (err instanceof LeaseHeldError) throw err
      // A failure of the machinery (a database error, a workflow no longer readable): the
      // execution fails with the reason rather than staying queued for ever.
      const error =
        err instanceof MaestroError
          ? {code: err.code, message: err.message}
          : {code: 'EXECUTION_FAILED', message: (err as Error).message}
      this.#options.logger?.warn({err, execution: id}, 'workflow execution failed')
      await this.store.setState(id, 'failed', {error})
      await emit('execution', {state: 'failed', error})
      return {record: (await this.store.load(id))!.record, workspace: null}
    } finally {
      clearInterval(renew)
      await this.store.releaseLease(id, owner).catch(() => {})
    }
  }

  async #saveResult(id: string, workspace: Workspace, redactor: Redactor): Promise<void> {
    const {config} = this.#options
    const files: [string, Uint8Array][] = [...workspace.files].map(([p, c]) => [p, redactor.bytes(c)])
    const packed = packChanges({written: files, deleted: [], git: workspace.git})
    const bytes = files.reduce((n, [, c]) => n + c.byteLength, 0)
    if (packed.byteLength > config.workflowResultMaxBytes) {
      await this.store.appendEvent(id, 'log', {
        level: 'warn',
        message: `the result (${packed.byteLength} bytes compressed) is larger than WORKFLOW_RESULT_MAX_MB and is not kept`,
      })
      return
    }
    await this.store.saveResult(
      id,
      packed,
      files.length,
      bytes,
      new Date(Date.now() + config.workflowResultTtlMs).toISOString(),
    )
  }

  /** Starts this process's consumer of queued executions, and the removal of expired results. */
  start(opts: {claimIdleMs?: number} = {}): void {
    const {bus, config} = this.#options
    if (!bus || this.#consumer) return
    this.#consumer = new StreamConsumer({
      bus,
      stream: this.stream,
      group: 'maestro',
      consumer: this.#options.consumer ?? `pid-${process.pid}`,
      maxDeliveries: 100_000,
      claimIdleMs: opts.claimIdleMs ?? Math.max(config.workflowLeaseMs * 2, 1000),
      logger: this.#options.logger,
      malformed: (fields: Fields) =>
        typeof fields.execution_id === 'string' ? undefined : 'no execution_id',
      handle: async (batch) => {
        for (const entry of batch) await this.runNow(entry.fields.execution_id!)
      },
    })
    void this.#consumer.start()
    this.#purge = setInterval(() => {
      const now = new Date()
      this.store.purge(now, new Date(now.getTime() - config.workflowResultTtlMs * 7)).catch(() => {})
    }, 60_000)
    this.#purge.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.#purge)
    await this.#consumer?.stop()
    this.#consumer = undefined
  }
}

/** Another runner holds the execution's lease and is alive: leave the entry pending. */
class LeaseHeldError extends MaestroError {
  constructor(id: string) {
    super(`execution ${id} is being run by another daemon`, {
      code: 'EXECUTION_LEASED',
      status: 409,
      data: {id},
    })
  }
}

function redactChanges(changes: StepChanges, redactor: Redactor): StepChanges {
  if (redactor.empty) return changes
  return {...changes, written: changes.written.map(([p, c]) => [p, redactor.bytes(c)])}
}

function summary(t: {
  id: string
  namespace: string
  name: string
  version: string
  description: string
  tags: string[]
  quality_score: number | null
  updated_at: string
}): WorkflowSummary {
  return {
    id: t.id,
    namespace: t.namespace,
    name: t.name,
    version: t.version,
    description: t.description,
    tags: t.tags,
    quality_score: t.quality_score,
    updated_at: t.updated_at,
  }
}
