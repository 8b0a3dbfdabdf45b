/**
 * The five actions a step may use. Each takes its evaluated inputs and the workspace (the
 * files of the result so far, in memory) and answers its outputs; none runs user code or
 * reaches the network. Paths are checked against the workspace before anything changes.
 */
import {mkdtemp, readFile, readdir, rm, writeFile, mkdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {parse as parseYaml, stringify as stringifyYaml} from 'yaml'

import {LimitExceededError, UnsafePathError} from '../domain/errors.js'
import type {Answers} from '../domain/types.js'
import type {Registry} from '../domain/registry.js'
import {ANSWERS_FILE, parseAnswersDocument, serializeAnswersDocument} from '../update/answers-file.js'
import type {FileStepRecord, ProjectEntry} from '../update/answers-file.js'
import {checkWorkspacePath} from './definition.js'
import {GateFailedError, StepInputError} from './errors.js'
import type {ActionName} from './types.js'

/** Ceilings on one execution's result. */
export const WORKSPACE_LIMITS = Object.freeze({maxFiles: 20_000, maxBytes: 200 * 1024 * 1024})

/** The `.git` folder the git action made, kept apart: workspace paths may never name `.git`. */
export interface GitSnapshot {
  commit: string
  branch: string
  files: Map<string, Uint8Array>
}

/** What the steps build: files by POSIX path, and the repository once the git action ran. */
export interface Workspace {
  files: Map<string, Uint8Array>
  git: GitSnapshot | null
}

export interface ActionContext {
  step: string
  inputs: Record<string, unknown>
  workspace: Workspace
  registry: Registry
  /** Outputs of the steps that ran so far (for the gate's quality bar). */
  previous: ReadonlyMap<string, {uses: ActionName; outputs: Record<string, unknown>}>
  /** When the execution was created: the git action's commit time (steps are deterministic). */
  createdAt: string
  /** Aborted when the execution is cancelled while the step runs. */
  signal: AbortSignal
  log(message: string, level?: 'info' | 'warn'): void
  /** Secret values out of file contents: the git action never commits a secret. */
  redact(content: Uint8Array): Uint8Array
}

const utf8 = new TextEncoder()

/** An input shown in a message: text as it is, anything else as JSON. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

function str(ctx: ActionContext, key: string, fallback?: string): string {
  const v = ctx.inputs[key]
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback
    throw new StepInputError(ctx.step, `"${key}" is empty`)
  }
  if (typeof v === 'object')
    throw new StepInputError(
      ctx.step,
      `"${key}" must be text (got ${Array.isArray(v) ? 'a list' : 'a mapping'})`,
    )
  // A number or boolean, as YAML wrote it.
  return typeof v === 'string' ? v : JSON.stringify(v)
}

function workspacePath(ctx: ActionContext, key: string, allowRoot = false): string {
  const path = str(ctx, key)
  try {
    return checkWorkspacePath(path, `step ${ctx.step}: ${key}`, allowRoot)
  } catch (err) {
    if (err instanceof UnsafePathError) throw err
    throw err
  }
}

function checkLimits(ws: Workspace): void {
  if (ws.files.size > WORKSPACE_LIMITS.maxFiles)
    throw new LimitExceededError(`the result has more than ${WORKSPACE_LIMITS.maxFiles} files`, {
      maxFiles: WORKSPACE_LIMITS.maxFiles,
    })
  let bytes = 0
  for (const f of ws.files.values()) bytes += f.byteLength
  if (bytes > WORKSPACE_LIMITS.maxBytes)
    throw new LimitExceededError(`the result is larger than ${WORKSPACE_LIMITS.maxBytes} bytes`, {
      maxBytes: WORKSPACE_LIMITS.maxBytes,
    })
}

/** A file may not sit where a folder is, nor inside a file. */
function putFile(ws: Workspace, path: string, content: Uint8Array): void {
  const segments = path.split('/')
  for (let i = 1; i < segments.length; i++) {
    const parent = segments.slice(0, i).join('/')
    if (ws.files.has(parent))
      throw new UnsafePathError(path, `path ${path} would be inside the file ${parent}`)
  }
  const prefix = `${path}/`
  for (const existing of ws.files.keys())
    if (existing.startsWith(prefix)) throw new UnsafePathError(path, `path ${path} is a folder in the result`)
  ws.files.set(path, content)
}

function under(ws: Workspace, path: string): string[] {
  if (ws.files.has(path)) return [path]
  const prefix = `${path}/`
  return [...ws.files.keys()].filter((p) => p.startsWith(prefix)).sort()
}

/**
 * Records a template step in the result's one root `.maestro-answers.yaml` (the list form,
 * one entry per template step), so `maestro-tpl update` can bring every part of the
 * project up to date. The answers are the ones the template's own answers file kept:
 * secrets are already left out there. A step run again (a resumed execution) replaces
 * its entry.
 */
function recordTemplateStep(
  ctx: ActionContext,
  rendered: Uint8Array | undefined,
  entry: Omit<ProjectEntry, 'answers'>,
): void {
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
  const answers = rendered === undefined ? {} : parseAnswersDocument(decode(rendered)).entries[0]!.answers
  const existing = ctx.workspace.files.get(ANSWERS_FILE)
  let entries: ProjectEntry[] = []
  if (existing !== undefined) {
    try {
      entries = parseAnswersDocument(decode(existing)).entries
    } catch {
      // Only an earlier step's file action could have put something else there.
      ctx.log(`${ANSWERS_FILE} in the result was not an answers file; ${entry.template} replaces it`, 'warn')
    }
  }
  const at = entries.findIndex((e) => e.step === entry.step)
  if (at === -1) entries.push({...entry, answers})
  else entries[at] = {...entry, answers}
  putFile(ctx.workspace, ANSWERS_FILE, serializeAnswersDocument({entries}))
}

/**
 * Records a `file` step's move, copy or delete in every template step's entry of the root
 * `.maestro-answers.yaml` made so far: `maestro-tpl update` renders each version of those
 * templates and then does the same to it, so a moved file is updated where it now is and
 * a deleted one stays deleted. Entries whose template made none of the files are not
 * bothered by it: an update applies it to that template's files only.
 */
function recordFileStep(ctx: ActionContext, record: FileStepRecord): void {
  const existing = ctx.workspace.files.get(ANSWERS_FILE)
  if (existing === undefined) return
  let entries: ProjectEntry[]
  try {
    entries = parseAnswersDocument(new TextDecoder().decode(existing)).entries
  } catch {
    return
  }
  for (const entry of entries) entry.moves = [...(entry.moves ?? []), record]
  ctx.workspace.files.set(ANSWERS_FILE, serializeAnswersDocument({entries}))
}

async function templateAction(ctx: ActionContext): Promise<Record<string, unknown>> {
  const ref = str(ctx, 'template')
  const base = ctx.inputs.path === undefined ? '.' : workspacePath(ctx, 'path', true)
  const answersInput = ctx.inputs.answers ?? {}
  if (answersInput === null || typeof answersInput !== 'object' || Array.isArray(answersInput))
    throw new StepInputError(ctx.step, '"answers" must be a mapping of parameter names to values')
  const useDefaults =
    ctx.inputs.defaults === undefined ? true : ctx.inputs.defaults === true || ctx.inputs.defaults === 'true'
  const detail = await ctx.registry.get(ref)
  const project = await ctx.registry.instantiate(`${detail.namespace}/${detail.name}@${detail.version}`, {
    answers: answersInput as Answers,
    useDefaults,
    signal: ctx.signal,
  })
  const written: string[] = []
  for (const [path, content] of [...project.files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // The template's own answers file is folded into the one at the root (below).
    if (path === ANSWERS_FILE) continue
    const target = base === '.' ? path : `${base}/${path}`
    if (ctx.workspace.files.has(target))
      ctx.log(`${target} was already in the result; ${project.template} replaces it`, 'warn')
    putFile(ctx.workspace, target, content)
    written.push(target)
  }
  recordTemplateStep(ctx, project.files.get(ANSWERS_FILE), {
    template: project.template,
    namespace: detail.namespace,
    version: project.version,
    commit: project.commit,
    step: ctx.step,
    ...(base === '.' ? {} : {path: base}),
  })
  checkLimits(ctx.workspace)
  ctx.log(`rendered ${project.template}@${project.version} into ${base} (${written.length} files)`)
  return {
    template: project.template,
    namespace: detail.namespace,
    version: project.version,
    commit: project.commit,
    path: base,
    files: written,
    quality_score: detail.quality_score,
  }
}

async function fileAction(ctx: ActionContext): Promise<Record<string, unknown>> {
  const action = str(ctx, 'action', 'render')
  const path = workspacePath(ctx, 'path')
  const ws = ctx.workspace
  switch (action) {
    case 'render': {
      const content = ctx.inputs.content
      const text = typeof content === 'string' ? content : JSON.stringify(content ?? '')
      putFile(ws, path, utf8.encode(text))
      checkLimits(ws)
      ctx.log(`wrote ${path} (${text.length} characters)`)
      return {path, files: [path]}
    }
    case 'copy':
    case 'move': {
      const from = workspacePath(ctx, 'from')
      const sources = under(ws, from)
      if (sources.length === 0) throw new StepInputError(ctx.step, `${from} is not in the result`)
      const targets: string[] = []
      const moves = sources.map(
        (src) => [src, src === from ? path : `${path}/${src.slice(from.length + 1)}`] as const,
      )
      const contents = moves.map(([src]) => ws.files.get(src)!)
      if (action === 'move') for (const [src] of moves) ws.files.delete(src)
      moves.forEach(([, target], i) => {
        putFile(ws, target, contents[i]!)
        targets.push(target)
      })
      if (!sources.includes(ANSWERS_FILE)) recordFileStep(ctx, {step: ctx.step, action, from, to: path})
      checkLimits(ws)
      ctx.log(`${action === 'copy' ? 'copied' : 'moved'} ${from} to ${path} (${targets.length} files)`)
      return {path, files: targets}
    }
    case 'delete': {
      const gone = under(ws, path)
      for (const p of gone) ws.files.delete(p)
      if (gone.length > 0 && !gone.includes(ANSWERS_FILE))
        recordFileStep(ctx, {step: ctx.step, action: 'delete', path})
      ctx.log(
        gone.length === 0
          ? `${path} was not in the result; nothing deleted`
          : `deleted ${path} (${gone.length} files)`,
      )
      return {path, files: gone}
    }
    default:
      throw new StepInputError(
        ctx.step,
        `"action" must be render, copy, move or delete (got ${JSON.stringify(action)})`,
      )
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** Maps merge key by key; anything else (lists included) is replaced by the incoming value. */
export function deepMerge(base: unknown, incoming: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(incoming)) return incoming
  const out: Record<string, unknown> = {...base}
  for (const [k, v] of Object.entries(incoming)) out[k] = Object.hasOwn(out, k) ? deepMerge(out[k], v) : v
  return out
}

async function mergeAction(ctx: ActionContext): Promise<Record<string, unknown>> {
  const path = workspacePath(ctx, 'path')
  const format =
    ctx.inputs.format === undefined
      ? /\.ya?ml$/i.test(path)
        ? 'yaml'
        : /\.json$/i.test(path)
          ? 'json'
          : undefined
      : str(ctx, 'format')
  if (format !== 'json' && format !== 'yaml')
    throw new StepInputError(
      ctx.step,
      `cannot tell the format of ${path}; name a .json, .yaml or .yml file or give "format"`,
    )
  const existing = ctx.workspace.files.get(path)
  let base: unknown = {}
  if (existing) {
    const text = new TextDecoder().decode(existing)
    try {
      base = format === 'json' ? JSON.parse(text) : (parseYaml(text, {maxAliasCount: 100}) ?? {})
    } catch (err) {
      throw new StepInputError(
        ctx.step,
        `${path} is not valid ${format.toUpperCase()}: ${(err as Error).message}`,
      )
    }
  }
  const merged = deepMerge(base, ctx.inputs.value)
  const text =
    format === 'json' ? `${JSON.stringify(merged, null, 2)}\n` : stringifyYaml(merged, {lineWidth: 0})
  putFile(ctx.workspace, path, utf8.encode(text))
  checkLimits(ctx.workspace)
  ctx.log(`${existing ? 'merged into' : 'created'} ${path}`)
  return {path, created: existing === undefined}
}

async function gateAction(ctx: ActionContext): Promise<Record<string, unknown>> {
  const outputs: Record<string, unknown> = {passed: true}
  if (ctx.inputs.condition !== undefined && ctx.inputs.condition !== true) {
    const message = ctx.inputs.message === undefined ? 'its condition is false' : text(ctx.inputs.message)
    throw new GateFailedError(ctx.step, message)
  }
  if (ctx.inputs.min_quality !== undefined) {
    const min = Number(ctx.inputs.min_quality)
    if (!Number.isFinite(min))
      throw new StepInputError(
        ctx.step,
        `"min_quality" must be a number (got ${JSON.stringify(ctx.inputs.min_quality)})`,
      )
    const scores = [...ctx.previous]
      .filter(([, s]) => s.uses === 'template')
      .map(([id, s]) => ({
        id,
        template: String(s.outputs.template),
        score: s.outputs.quality_score as number | null,
      }))
    const below = scores.filter((s) => s.score === null || s.score < min)
    if (below.length > 0) {
      const list = below.map((s) => `${s.template} (${s.score === null ? 'unscored' : s.score})`).join(', ')
      throw new GateFailedError(
        ctx.step,
        `${ctx.inputs.message === undefined ? '' : `${text(ctx.inputs.message)}: `}quality below ${min}: ${list}`,
      )
    }
    outputs.min_quality = min
    outputs.lowest_score = scores.length === 0 ? null : Math.min(...scores.map((s) => s.score as number))
  }
  ctx.log('gate passed')
  return outputs
}

async function listDir(root: string, rel = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(join(root, rel), {withFileTypes: true})) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`
    if (entry.isDirectory()) out.push(...(await listDir(root, path)))
    else out.push(path)
  }
  return out
}

async function gitAction(ctx: ActionContext): Promise<Record<string, unknown>> {
  const git = (await import('isomorphic-git')).default
  const fs = await import('node:fs')
  const branch = str(ctx, 'branch', 'main')
  const message = str(ctx, 'message', 'Initial commit (maestro-tpl workflow)')
  const author = {
    name: str(ctx, 'author', 'maestro-tpl'),
    email: str(ctx, 'email', 'maestro@localhost'),
    timestamp: Math.floor(Date.parse(ctx.createdAt) / 1000),
    timezoneOffset: 0,
  }
  const dir = await mkdtemp(join(tmpdir(), 'maestro-wf-git-'))
  try {
    await git.init({fs, dir, defaultBranch: branch})
    const paths = [...ctx.workspace.files.keys()].sort()
    for (const path of paths) {
      ctx.signal.throwIfAborted()
      await mkdir(dirname(join(dir, path)), {recursive: true})
      const content = ctx.redact(ctx.workspace.files.get(path)!)
      await writeFile(join(dir, path), content, {
        mode: content[0] === 0x23 && content[1] === 0x21 ? 0o755 : 0o644,
      })
    }
    const cache = {}
    for (const path of paths) {
      ctx.signal.throwIfAborted()
      await git.add({fs, dir, filepath: path, cache})
    }
    const commit = await git.commit({fs, dir, message, author, committer: author, cache})
    const files = new Map<string, Uint8Array>()
    for (const path of await listDir(join(dir, '.git')))
      files.set(path, new Uint8Array(await readFile(join(dir, '.git', path))))
    ctx.workspace.git = {commit, branch, files}
    ctx.log(
      `initialised a git repository on ${branch} with one commit ${commit.slice(0, 12)} (${paths.length} files)`,
    )
    return {commit, branch, files: paths.length}
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

/** The actions by name. */
export const ACTION_HANDLERS: Readonly<
  Record<ActionName, (ctx: ActionContext) => Promise<Record<string, unknown>>>
> = Object.freeze({
  template: templateAction,
  file: fileAction,
  merge: mergeAction,
  gate: gateAction,
  git: gitAction,
})
