/**
 * `.maestro-answers.yaml`: what a generated project records about the templates that
 * made it, so `update` and `check` can find and re-render them.
 *
 * Two forms are read. The single form is what `instantiate` has always written:
 *
 * ```yaml
 * template: fastapi-service
 * namespace: public  # where the template came from (files written before it was recorded lack it)
 * version: 1.2.0
 * commit: 3f2a…
 * project: 6b0c…   # only when a daemon made it
 * answers: {project_name: billing}
 * ```
 *
 * The list form holds one entry per template, as a workflow writes it (one per template
 * step; `path` is the folder the step rendered into, relative to the project root):
 *
 * ```yaml
 * templates:
 *   - {template: fastapi-service, version: 1.2.0, commit: …, step: api, path: api, answers: {…}}
 *   - {template: react-vite-app, version: 2.0.1, commit: …, step: web, path: web, answers: {…}}
 * ```
 *
 * A workflow's `file` steps that moved, copied or deleted files after a template step
 * rendered them are recorded in that step's entry (and in every template step's before
 * it), in order, with paths from the project root, so an update renders each version the
 * way the workflow left it:
 *
 * ```yaml
 *     moves:
 *       - {step: relocate, action: move, from: api/app, to: service/app}
 *       - {step: tidy, action: delete, path: api/LICENSE}
 * ```
 *
 * A file with one entry and no step or path is written back in the single form, so a
 * project made by `instantiate` keeps the file it always had.
 */
import {parse, stringify} from 'yaml'

import {UsageError} from '../domain/errors.js'
import {assertSafeRelativePath} from '../domain/paths.js'
import {ownRecord} from '../domain/records.js'
import type {Answers} from '../domain/types.js'

export const ANSWERS_FILE = '.maestro-answers.yaml'

/** A workflow `file` step's move, copy or delete, as recorded for the template steps before it. */
export type FileStepRecord =
  | {step: string; action: 'move' | 'copy'; from: string; to: string}
  | {step: string; action: 'delete'; path: string}

export interface ProjectEntry {
  /** Template name (optionally `namespace/name`). */
  template: string
  /**
   * The namespace the template was read from (the tenant's own, or `public`): a template of
   * the same name elsewhere (a local copy shadowing a bundled one) is not this one.
   */
  namespace?: string
  version: string
  commit: string
  /** Non-secret answers the project was rendered with. */
  answers: Answers
  /** Set when a daemon recorded the project (`GET /projects`). */
  project?: string
  /** The workflow step that rendered this template. */
  step?: string
  /** Folder (relative to the project root) the template rendered into; absent for the root. */
  path?: string
  /** Workflow `file` steps that moved, copied or deleted files after this template step, in order. */
  moves?: FileStepRecord[]
}

export interface AnswersDocument {
  entries: ProjectEntry[]
}

const HEADER =
  '# Written by maestro-tpl when this project was created. Keep it to update the project later.\n'

function invalid(file: string, why: string): never {
  throw new UsageError(`${file} is not a maestro-tpl answers file: ${why}`, {file})
}

function readEntry(raw: unknown, file: string, where: string): ProjectEntry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    invalid(file, `${where} is not a mapping`)
  const r = raw as Record<string, unknown>
  for (const key of ['template', 'version'] as const)
    if (typeof r[key] !== 'string' || r[key] === '') invalid(file, `${where} has no ${key}`)
  // The commit only informs (the version is what update renders): a hand-written file may leave it out.
  if (r.commit !== undefined && r.commit !== null && typeof r.commit !== 'string')
    invalid(file, `${where}.commit is not a string`)
  const answers = r.answers ?? {}
  if (answers === null || typeof answers !== 'object' || Array.isArray(answers))
    invalid(file, `${where}.answers is not a mapping`)
  const entry: ProjectEntry = {
    template: r.template as string,
    version: r.version as string,
    commit: typeof r.commit === 'string' ? r.commit : '',
    answers: Object.assign(ownRecord(), answers) as Answers,
  }
  for (const key of ['project', 'step', 'path', 'namespace'] as const) {
    if (r[key] === undefined || r[key] === null) continue
    if (typeof r[key] !== 'string') invalid(file, `${where}.${key} is not a string`)
    entry[key] = r[key]
  }
  if (entry.path === '.' || entry.path === '') delete entry.path
  if (entry.path !== undefined) assertSafeRelativePath(entry.path, `${where}.path`)
  if (r.moves !== undefined && r.moves !== null) entry.moves = readMoves(r.moves, file, `${where}.moves`)
  return entry
}

function readMoves(raw: unknown, file: string, where: string): FileStepRecord[] {
  if (!Array.isArray(raw)) invalid(file, `${where} is not a list`)
  return raw.map((m: unknown, i) => {
    const at = `${where}[${i}]`
    if (m === null || typeof m !== 'object' || Array.isArray(m)) invalid(file, `${at} is not a mapping`)
    const r = m as Record<string, unknown>
    const text = (key: string): string => {
      if (typeof r[key] !== 'string' || r[key] === '') invalid(file, `${at} has no ${key}`)
      assertSafeRelativePath(r[key], `${at}.${key}`)
      return r[key]
    }
    const step = typeof r.step === 'string' ? r.step : ''
    if (r.action === 'move' || r.action === 'copy')
      return {step, action: r.action, from: text('from'), to: text('to')}
    if (r.action === 'delete') return {step, action: 'delete', path: text('path')}
    return invalid(file, `${at}.action must be move, copy or delete`)
  })
}

/**
 * Reads either form of the answers file.
 *
 * @example
 * ```ts
 * const {entries} = parseAnswersDocument(await readFile('.maestro-answers.yaml', 'utf8'))
 * entries[0].template // 'fastapi-service'
 * ```
 */
export function parseAnswersDocument(text: string, file = ANSWERS_FILE): AnswersDocument {
  let data: unknown
  try {
    data = parse(text)
  } catch (err) {
    invalid(file, `not valid YAML (${(err as Error).message.split('\n')[0]})`)
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) invalid(file, 'not a mapping')
  const d = data as Record<string, unknown>
  if (d.templates !== undefined) {
    if (!Array.isArray(d.templates) || d.templates.length === 0)
      invalid(file, '`templates` must be a non-empty list')
    return {entries: d.templates.map((e, i) => readEntry(e, file, `templates[${i}]`))}
  }
  return {entries: [readEntry(d, file, 'the file')]}
}

/**
 * Writes the answers file back: the single form for one root entry, the list otherwise.
 *
 * @example
 * ```ts
 * await writeFile('.maestro-answers.yaml', serializeAnswersDocument({entries}))
 * ```
 */
export function serializeAnswersDocument(doc: AnswersDocument): Uint8Array {
  const plain = (e: ProjectEntry) => ({
    template: e.template,
    ...(e.namespace !== undefined ? {namespace: e.namespace} : {}),
    version: e.version,
    commit: e.commit,
    ...(e.project !== undefined ? {project: e.project} : {}),
    ...(e.step !== undefined ? {step: e.step} : {}),
    ...(e.path !== undefined ? {path: e.path} : {}),
    ...(e.moves !== undefined && e.moves.length > 0 ? {moves: e.moves} : {}),
    answers: e.answers,
  })
  const single =
    doc.entries.length === 1 &&
    doc.entries[0]!.step === undefined &&
    doc.entries[0]!.path === undefined &&
    doc.entries[0]!.moves === undefined
  const body = stringify(single ? plain(doc.entries[0]!) : {templates: doc.entries.map(plain)}, {
    lineWidth: 0,
  })
  return new TextEncoder().encode(HEADER + body)
}
