/**
 * The execution engine: runs a workflow's steps in order over an in-memory workspace.
 *
 * It is resumable: the caller hands in the steps already finished (their state and
 * outputs) and the workspace they left, and the engine carries on from the first step
 * not finished, so a completed step is never run twice. Each step's inputs and `if` are
 * evaluated in one `evaluate` job of the render host (in the daemon: a worker with a
 * time and heap limit); rendering a template goes through the registry, whose host is
 * the same pool. What the engine reports through its hooks is already redacted.
 */
import {MaestroError} from '../domain/errors.js'
import type {RenderHost} from '../sandbox/host.js'
import type {Registry} from '../domain/registry.js'
import {ACTION_HANDLERS} from './actions.js'
import type {GitSnapshot, Workspace} from './actions.js'
import {ExecutionCancelledError} from './errors.js'
import type {Redactor} from './secrets.js'
import type {
  ActionName,
  LogLine,
  StepDefinition,
  StepState,
  WorkflowAnswers,
  WorkflowDefinition,
} from './types.js'

/** What one step changed in the workspace: enough to replay it without running it. */
export interface StepChanges {
  written: [string, Uint8Array][]
  deleted: string[]
  git: GitSnapshot | null
}

export interface FinishedStep {
  state: StepState
  outputs: Record<string, unknown> | null
}

export interface StepResult {
  state: 'succeeded' | 'failed' | 'skipped'
  outputs: Record<string, unknown> | null
  error: {code: string; message: string} | null
  changes: StepChanges | null
  logs: LogLine[]
}

/**
 * How often a running step asks whether its execution was cancelled (a row read): a
 * cancel stops the step within about this long, whichever daemon asked for it.
 */
export const CANCEL_POLL_MS = 250

export interface EngineHooks {
  stepStarted(step: StepDefinition): Promise<void>
  /** Called with redacted outputs, error and logs; `changes` is the real workspace delta (the recorder redacts what it stores). */
  stepFinished(step: StepDefinition, result: StepResult): Promise<void>
  /** Checked before each step, and every CANCEL_POLL_MS while one runs (a yes aborts it). */
  cancelled(): Promise<boolean>
  /** A log line as it happens (for live views). */
  onLog?(step: StepDefinition, line: LogLine): void
}

export interface RunInput {
  definition: WorkflowDefinition
  /** Resolved answers, secrets included. */
  answers: WorkflowAnswers
  execution: {id: string; created_at: string}
  workspace: Workspace
  /** Steps finished before (a resumed or retried execution). */
  done: ReadonlyMap<string, FinishedStep>
  registry: Registry
  host: RenderHost
  tenant: string
  redactor: Redactor
  hooks: EngineHooks
}

export interface RunOutcome {
  state: 'succeeded' | 'failed' | 'cancelled'
  outputs: Record<string, unknown> | null
  error: {code: string; message: string; step?: string} | null
}

function errorOf(err: unknown): {code: string; message: string} {
  if (err instanceof MaestroError) return {code: err.code, message: err.message}
  return {code: 'STEP_FAILED', message: err instanceof Error ? err.message : String(err)}
}

function diff(
  before: Map<string, Uint8Array>,
  after: Map<string, Uint8Array>,
  gitBefore: GitSnapshot | null,
  gitAfter: GitSnapshot | null,
): StepChanges {
  const written: [string, Uint8Array][] = []
  for (const [path, content] of after) if (before.get(path) !== content) written.push([path, content])
  const deleted = [...before.keys()].filter((p) => !after.has(p))
  return {written, deleted, git: gitAfter !== gitBefore ? gitAfter : null}
}

/** Applies a recorded step's changes (a resumed execution rebuilding its workspace). */
export function applyChanges(workspace: Workspace, changes: StepChanges): void {
  for (const path of changes.deleted) workspace.files.delete(path)
  for (const [path, content] of changes.written) workspace.files.set(path, content)
  if (changes.git) workspace.git = changes.git
}

/**
 * Runs the steps not in `done`, in order; answers how the execution ended.
 *
 * @example
 * ```ts
 * const outcome = await runWorkflow({definition, answers, execution, workspace: {files: new Map(), git: null},
 *   done: new Map(), registry, host: IN_PROCESS, tenant: 'local', redactor, hooks})
 * ```
 */
export async function runWorkflow(input: RunInput): Promise<RunOutcome> {
  const {definition, redactor, hooks, workspace} = input
  const steps = Object.create(null) as Record<
    string,
    {outputs: Record<string, unknown> | null; state: StepState}
  >
  const previous = new Map<string, {uses: ActionName; outputs: Record<string, unknown>}>()
  const scope = () => ({
    parameters: input.answers,
    steps,
    execution: {
      id: input.execution.id,
      workflow: definition.name,
      version: definition.version,
      created_at: input.execution.created_at,
    },
  })
  for (const [index, step] of definition.steps.entries()) {
    const finished = input.done.get(step.id)
    if (finished && (finished.state === 'succeeded' || finished.state === 'skipped')) {
      steps[step.id] = {outputs: finished.outputs ?? {}, state: finished.state}
      if (finished.state === 'succeeded')
        previous.set(step.id, {uses: step.uses, outputs: finished.outputs ?? {}})
      continue
    }
    if (await hooks.cancelled())
      return {
        state: 'cancelled',
        outputs: null,
        error: errorOf(new ExecutionCancelledError(input.execution.id)),
      }
    await hooks.stepStarted(step)
    const logs: LogLine[] = []
    const log = (message: string, level: LogLine['level'] = 'info') => {
      const line = {at: new Date().toISOString(), level, message: redactor.text(message)}
      logs.push(line)
      hooks.onLog?.(step, line)
    }
    const label = `workflow.yaml steps[${index}] (${step.id})`
    const before = new Map(workspace.files)
    const gitBefore = workspace.git
    // A cancel interrupts the step: the render host stops its job (in the daemon's pool the
    // worker is terminated), the actions check the signal between files.
    const controller = new AbortController()
    let asking = false
    const watch = setInterval(() => {
      if (asking || controller.signal.aborted) return
      asking = true
      hooks
        .cancelled()
        .then((yes) => {
          if (yes) controller.abort(new ExecutionCancelledError(input.execution.id))
        })
        .catch(() => {})
        .finally(() => {
          asking = false
        })
    }, CANCEL_POLL_MS)
    watch.unref()
    const signal = controller.signal
    try {
      const entries = [{label: `${label}.with`, value: step.with}]
      if (step.if !== undefined)
        entries.push({label: `${label}.if`, value: step.if, condition: true} as never)
      const [inputs, condition] = await input.host.evaluate({
        entries,
        scope: scope(),
        tenant: input.tenant,
        signal,
      })
      if (step.if !== undefined && condition !== true) {
        log(`skipped: ${step.if} is false`)
        steps[step.id] = {outputs: {}, state: 'skipped'}
        await hooks.stepFinished(step, {state: 'skipped', outputs: {}, error: null, changes: null, logs})
        continue
      }
      const outputs = await ACTION_HANDLERS[step.uses]({
        step: step.id,
        inputs: inputs as Record<string, unknown>,
        workspace,
        registry: input.registry,
        previous,
        createdAt: input.execution.created_at,
        signal,
        log,
        redact: (content) => redactor.bytes(content),
      })
      steps[step.id] = {outputs, state: 'succeeded'}
      previous.set(step.id, {uses: step.uses, outputs})
      await hooks.stepFinished(step, {
        state: 'succeeded',
        outputs: redactor.value(outputs),
        error: null,
        changes: diff(before, workspace.files, gitBefore, workspace.git),
        logs,
      })
    } catch (err) {
      // Leave the workspace as the step found it: a retry starts this step over.
      workspace.files = before
      workspace.git = gitBefore
      // Whatever the interrupted job threw, a cancelled step ends because of the cancel.
      const error = errorOf(signal.aborted ? signal.reason : err)
      error.message = redactor.text(error.message)
      log(error.message, 'error')
      await hooks.stepFinished(step, {state: 'failed', outputs: null, error, changes: null, logs})
      return {state: signal.aborted ? 'cancelled' : 'failed', outputs: null, error: {...error, step: step.id}}
    } finally {
      clearInterval(watch)
    }
  }
  try {
    const [outputs] = await input.host.evaluate({
      entries: [{label: 'workflow.yaml outputs', value: definition.outputs}],
      scope: scope(),
      tenant: input.tenant,
    })
    return {state: 'succeeded', outputs: redactor.value(outputs as Record<string, unknown>), error: null}
  } catch (err) {
    const error = errorOf(err)
    return {state: 'failed', outputs: null, error: {code: error.code, message: redactor.text(error.message)}}
  }
}
