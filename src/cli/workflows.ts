/**
 * What the `workflow` commands talk to: the workflow runtime over the local store, or a
 * daemon's routes with `--remote`. Both answer the same shapes, so a command behaves
 * the same either way.
 */
import {mkdir, writeFile} from 'node:fs/promises'
import {dirname, join, resolve} from 'node:path'

import {encodeFiles, type WireFiles} from '../domain/wire.js'
import {MaestroError, NotFoundError} from '../domain/errors.js'
import type {Answers} from '../domain/types.js'
import type {DeleteResult, PublishResult, RequestContext} from '../domain/registry.js'
import {writeProject} from '../render/write.js'
import type {
  DryRunResult,
  ExecutionResult,
  WorkflowDetail,
  WorkflowRuntime,
  WorkflowSummary,
} from '../workflows/runtime.js'
import type {ExecutionEvent, ExecutionRecord, LoadedWorkflow} from '../workflows/types.js'

export interface RunOptions {
  answers: Answers
  useDefaults: boolean
}

export interface Workflows {
  list(query: {
    text?: string
    limit?: number
    offset?: number
  }): Promise<{items: WorkflowSummary[]; total: number}>
  get(ref: string): Promise<WorkflowDetail>
  publish(workflow: LoadedWorkflow): Promise<PublishResult>
  delete(ref: string): Promise<DeleteResult>
  validate(
    workflow: LoadedWorkflow,
  ): Promise<{name: string; version: string; steps: number; quality: {score: number; passed: boolean}}>
  dryRun(ref: string, opts: RunOptions): Promise<DryRunResult>
  /** Executes and follows to the end, calling `onEvent` for each event; answers the final record and the files. */
  run(
    ref: string,
    opts: RunOptions,
    onEvent: (e: ExecutionEvent) => void,
  ): Promise<{record: ExecutionRecord; result: ExecutionResult | null}>
  status(id: string): Promise<ExecutionRecord>
  events(id: string, after: number): Promise<ExecutionEvent[]>
  cancel(id: string): Promise<ExecutionRecord>
  /** Queues the execution again from its failed step and follows it to the end. */
  retry(
    id: string,
    onEvent: (e: ExecutionEvent) => void,
  ): Promise<{record: ExecutionRecord; result: ExecutionResult | null}>
  close(): Promise<void>
}

/** The runtime over the local store, acting as the store's owner. */
export class LocalWorkflows implements Workflows {
  constructor(
    readonly runtime: WorkflowRuntime,
    readonly context: RequestContext,
  ) {}

  list(query: {text?: string; limit?: number; offset?: number}) {
    return this.runtime.list(this.context, query)
  }
  get(ref: string) {
    return this.runtime.get(this.context, ref)
  }
  publish(workflow: LoadedWorkflow) {
    return this.runtime.publish(this.context, workflow)
  }
  delete(ref: string) {
    return this.runtime.delete(this.context, ref)
  }
  validate(workflow: LoadedWorkflow) {
    return this.runtime.validate(this.context, workflow)
  }
  dryRun(ref: string, opts: RunOptions) {
    return this.runtime.dryRun(this.context, ref, opts)
  }
  async run(ref: string, opts: RunOptions, onEvent: (e: ExecutionEvent) => void) {
    const {execution} = await this.runtime.execute(this.context, ref, opts)
    return this.#follow(execution.id, onEvent)
  }
  async #follow(id: string, onEvent: (e: ExecutionEvent) => void) {
    const {record, workspace} = await this.runtime.runNow(id, onEvent)
    // The workspace this process built holds the secrets' real values; the stored result does not.
    const result = workspace ? {files: workspace.files, git: workspace.git?.files ?? null} : null
    return {record, result}
  }
  status(id: string) {
    return this.runtime.status(this.context, id)
  }
  events(id: string, after: number) {
    return this.runtime.events(this.context, id, after)
  }
  cancel(id: string) {
    return this.runtime.cancel(this.context, id)
  }
  async retry(id: string, onEvent: (e: ExecutionEvent) => void) {
    const record = await this.runtime.retry(this.context, id)
    return this.#follow(record.id, onEvent)
  }
  async close() {}
}

/** A daemon's workflow routes. */
export class RemoteWorkflows implements Workflows {
  readonly #url: string
  readonly #token: string | undefined

  constructor(opts: {url: string; token?: string | undefined}) {
    this.#url = opts.url.replace(/\/+$/, '')
    this.#token = opts.token
  }

  async #call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await fetch(`${this.#url}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(this.#token ? {authorization: `Bearer ${this.#token}`} : {}),
        ...(body === undefined ? {} : {'content-type': 'application/json'}),
        ...headers,
      },
      ...(body === undefined ? {} : {body: JSON.stringify(body)}),
    })
    const text = await res.text()
    if (!res.ok) {
      let problem: {code?: string; detail?: string; title?: string} = {}
      try {
        problem = JSON.parse(text) as typeof problem
      } catch {
        // not a problem document
      }
      if (res.status === 404) throw new NotFoundError('resource', path)
      throw new MaestroError(problem.detail ?? problem.title ?? `${method} ${path} answered ${res.status}`, {
        code: problem.code ?? 'REMOTE_ERROR',
        status: res.status,
        data: problem,
      })
    }
    return JSON.parse(text) as T
  }

  list(query: {text?: string; limit?: number; offset?: number}) {
    const q = new URLSearchParams()
    if (query.text) q.set('q', query.text)
    if (query.limit) q.set('limit', String(query.limit))
    if (query.offset) q.set('offset', String(query.offset))
    return this.#call<{items: WorkflowSummary[]; total: number}>('GET', `/api/v1/workflows?${q.toString()}`)
  }
  get(ref: string) {
    return this.#call<WorkflowDetail>('GET', `/api/v1/workflows/${encodeURIComponent(ref)}`)
  }
  publish(workflow: LoadedWorkflow) {
    return this.#call<PublishResult>('POST', '/api/v1/workflows', {files: encodeFiles(workflow.files)})
  }
  delete(ref: string) {
    return this.#call<DeleteResult>('DELETE', `/api/v1/workflows/${encodeURIComponent(ref)}`)
  }
  async validate(workflow: LoadedWorkflow) {
    // The daemon checks it as it would publish it, scoring included.
    const {workflowAsTemplate} = await import('../workflows/package.js')
    const report = await this.#call<{score: number; passed: boolean}>('POST', '/api/v1/quality/score', {
      files: encodeFiles(workflowAsTemplate(workflow).files),
    })
    return {
      name: workflow.definition.name,
      version: workflow.definition.version,
      steps: workflow.definition.steps.length,
      quality: {score: report.score, passed: report.passed},
    }
  }
  dryRun(ref: string, opts: RunOptions) {
    return this.#call<DryRunResult>('POST', `/api/v1/workflows/${encodeURIComponent(ref)}/dry-run`, {
      parameters: opts.answers,
      defaults: opts.useDefaults,
    })
  }
  async run(ref: string, opts: RunOptions, onEvent: (e: ExecutionEvent) => void) {
    const execution = await this.#call<ExecutionRecord>(
      'POST',
      `/api/v1/workflows/${encodeURIComponent(ref)}/execute`,
      {
        parameters: opts.answers,
        defaults: opts.useDefaults,
      },
    )
    return this.#follow(execution.id, onEvent)
  }
  async #follow(id: string, onEvent: (e: ExecutionEvent) => void, after = 0) {
    let seen = after
    for (;;) {
      for (const event of await this.events(id, seen)) {
        onEvent(event)
        seen = event.seq
      }
      const record = await this.status(id)
      if (record.state !== 'queued' && record.state !== 'running') {
        for (const event of await this.events(id, seen)) onEvent(event)
        const result = record.state === 'succeeded' ? await this.#result(id) : null
        return {record, result}
      }
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  async #result(id: string): Promise<ExecutionResult> {
    const body = await this.#call<{files: WireFiles; git: WireFiles | null}>(
      'GET',
      `/api/v1/executions/${id}/result?format=json`,
    )
    const {decodeFiles} = await import('../domain/wire.js')
    return {files: decodeFiles(body.files), git: body.git ? decodeFiles(body.git) : null}
  }
  status(id: string) {
    return this.#call<ExecutionRecord>('GET', `/api/v1/executions/${id}`)
  }
  async events(id: string, after: number) {
    const res = await fetch(`${this.#url}/api/v1/executions/${id}/events?after=${after}`, {
      headers: {
        accept: 'text/event-stream',
        ...(this.#token ? {authorization: `Bearer ${this.#token}`} : {}),
      },
      signal: AbortSignal.timeout(2000),
    }).catch(() => undefined)
    if (!res) return []
    if (res.status === 404) throw new NotFoundError('execution', id)
    // Read what the stream holds now; a running execution's stream stays open, so stop at the timeout.
    let text = ''
    try {
      const reader = res.body!.getReader()
      const decoder = new TextDecoder()
      for (;;) {
        const {done, value}: {done: boolean; value?: Uint8Array | undefined} = await Promise.race([
          reader.read() as Promise<{done: boolean; value?: Uint8Array}>,
          new Promise<{done: true; value: undefined}>((r) =>
            setTimeout(() => r({done: true, value: undefined}), 400),
          ),
        ])
        if (done) break
        text += decoder.decode(value, {stream: true})
      }
      await reader.cancel().catch(() => {})
    } catch {
      // The stream was cut: what arrived is parsed below.
    }
    return parseEvents(text)
  }
  cancel(id: string) {
    return this.#call<ExecutionRecord>('POST', `/api/v1/executions/${id}/cancel`, {})
  }
  async retry(id: string, onEvent: (e: ExecutionEvent) => void) {
    const before = await this.events(id, 0)
    const record = await this.#call<ExecutionRecord>('POST', `/api/v1/executions/${id}/retry`, {})
    return this.#follow(record.id, onEvent, before.at(-1)?.seq ?? 0)
  }
  async close() {}
}

/** Server-sent events text → events (complete ones only). */
export function parseEvents(text: string): ExecutionEvent[] {
  const out: ExecutionEvent[] = []
  for (const block of text.split('\n\n')) {
    const id = /^id: (\d+)$/m.exec(block)
    const type = /^event: (\w+)$/m.exec(block)
    const data = /^data: (.*)$/m.exec(block)
    if (!id || !type || !data) continue
    try {
      const parsed = JSON.parse(data[1]!) as Record<string, unknown> & {at?: string}
      const {at, ...rest} = parsed
      out.push({seq: Number(id[1]), type: type[1] as ExecutionEvent['type'], data: rest, at: at ?? ''})
    } catch {
      // A cut-off line: the next look reads it whole.
    }
  }
  return out
}

/**
 * Writes a result into `dest`: the project's files (refusing a non-empty folder unless
 * `force`), then its `.git` when the workflow made one.
 */
export async function writeResult(
  dest: string,
  result: ExecutionResult,
  opts: {force?: boolean} = {},
): Promise<string[]> {
  const written = await writeProject(dest, result.files, {force: opts.force === true})
  for (const [path, content] of result.git ?? []) {
    const target = join(resolve(dest), '.git', path)
    await mkdir(dirname(target), {recursive: true})
    await writeFile(target, content)
  }
  return written.written
}

/** One line per event, for logs and the plain (non-terminal) view. */
export function eventLine(event: ExecutionEvent): string {
  const d = event.data
  const text = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v ?? '')
  if (event.type === 'log') return `  [${text(d.step)}] ${text(d.message)}`
  if (event.type === 'step') {
    const error = d.error as {message?: string} | undefined
    return `step ${text(d.id)}: ${text(d.state)}${error?.message ? ` (${error.message})` : ''}`
  }
  return `execution: ${text(d.state)}${d.resumed ? ' (resumed)' : ''}`
}
