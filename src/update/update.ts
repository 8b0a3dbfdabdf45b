/**
 * The update of a generated project, computed (not written): for each template the
 * project records, render the recorded version with the recorded answers (base), render
 * the target version with the same answers plus answers to new questions (theirs), and
 * plan every file against the project (ours). The CLI (local or --remote) and the
 * daemon's `POST /templates/{id}/update` both call {@link computeUpdate}; only where the
 * project's files come from and where the result goes differ.
 */
import semver from 'semver'

import {InvalidAnswersError, NotFoundError} from '../domain/errors.js'
import {coerceAnswers} from '../domain/parameters.js'
import {ownRecord} from '../domain/records.js'
import {PUBLIC_NAMESPACE} from '../domain/types.js'
import type {Answers, Parameter, VersionInfo} from '../domain/types.js'
import type {Registry, TemplateDetail} from '../domain/registry.js'
import {ANSWERS_FILE, parseAnswersDocument, serializeAnswersDocument} from './answers-file.js'
import type {AnswersDocument, FileStepRecord, ProjectEntry} from './answers-file.js'
import {DowngradeError, NotAProjectError, RecordedVersionMissingError} from './errors.js'
import type {ConflictStyle} from './merge.js'
import {migrateAnswers, migrationPaths, migrationsBetween} from './migrations.js'
import {pathsToRead, planUpdate} from './plan.js'
import type {Changes, FilePlan} from './plan.js'

/** What an update needs of a registry: the local one, a daemon's, or the daemon's own. */
export type UpdateRegistry = Pick<Registry, 'get' | 'versions' | 'instantiate'>

/** The project as it is: a folder on disk, or the files of an uploaded archive. */
export interface ProjectFiles {
  /** The file at a relative POSIX path, or null when there is none. */
  read(path: string): Promise<Uint8Array | null>
}

/** Asks for the answers a target version wants that nothing gave (a terminal's prompts). */
export type AskAnswers = (params: Parameter[], given: Answers) => Promise<Answers>

export interface UpdateOptions {
  /**
   * Target per template: `VERSION`/`RANGE` for every template, or `NAME@VERSION|RANGE`
   * for one. Without one, the newest version compatible with the recorded one (`^x.y.z`).
   */
  to?: readonly string[]
  /** Answers given on the command line or in a file (`--set`, `--answers`), by parameter name. */
  answers?: Record<string, unknown>
  /** Asks for new parameters; without it, they take their defaults. */
  ask?: AskAnswers
  conflict?: ConflictStyle
}

export interface TemplateUpdate {
  template: string
  step?: string
  path?: string
  from: string
  to: string
  /** `current`: already at the target with the same answers, nothing rendered. */
  status: 'current' | 'updated'
  /** The newest version of any major when it is newer than the target (an upgrade needs --to). */
  newest?: string
  /** How many template migrations applied. */
  migrations: number
}

export interface UpdateFile extends FilePlan {
  template: string
}

export interface UpdateReport {
  /** `current`: nothing to do; `updated`: every file merged; `conflicts`: some files need the user. */
  status: 'current' | 'updated' | 'conflicts'
  templates: TemplateUpdate[]
  /** Each file the templates make, with its fate (files only the user made are not listed). */
  files: UpdateFile[]
  /** Paths holding conflicts. */
  conflicts: string[]
}

export interface ComputedUpdate {
  report: UpdateReport
  /** What to write (bytes) and delete (null), .maestro-answers.yaml included. */
  changes: Changes
}

const PRERELEASE = {includePrerelease: false}

/** The newest version satisfying `range`, from a template's version list. */
function newestIn(versions: readonly VersionInfo[], range: string): string | null {
  return semver.maxSatisfying(
    versions.map((v) => v.version),
    range,
    PRERELEASE,
  )
}

/** `--to` for one template: a NAME@ entry for it wins over a bare version. */
function targetSpec(entry: ProjectEntry, to: readonly string[] | undefined): string | undefined {
  let bare: string | undefined
  const name = entry.template.split('/').pop()!
  for (const spec of to ?? []) {
    const at = spec.lastIndexOf('@')
    if (at > 0) {
      const who = spec.slice(0, at)
      if (who === entry.template || who === name || who.split('/').pop() === name) return spec.slice(at + 1)
    } else {
      bare = spec
    }
  }
  return bare
}

/**
 * The template an entry names: in its recorded namespace when the file says which.
 *
 * @example
 * ```ts
 * templateRef({template: 'fastapi-service', namespace: 'public', version: '1.2.0', commit: '', answers: {}})
 * // 'public/fastapi-service'
 * ```
 */
export function templateRef(entry: ProjectEntry): string {
  const name = entry.template.split('/').pop()!
  return entry.namespace === undefined ? entry.template : `${entry.namespace}/${name}`
}

const isNotFound = (err: unknown) =>
  err instanceof NotFoundError || (err as {code?: string}).code === NotFoundError.code

/**
 * The recorded version of an entry's template. A file that records no namespace (written
 * before it was recorded) names the template bare, and a template of that name in the
 * caller's own namespace (a local copy of a bundled template) shadows the public one: when
 * the bare name lacks the version, the public catalog's template is tried.
 */
async function locateRecorded(registry: UpdateRegistry, entry: ProjectEntry): Promise<TemplateDetail> {
  const ref = templateRef(entry)
  try {
    return await registry.get(`${ref}@${entry.version}`)
  } catch (err) {
    if (!isNotFound(err)) throw err
    if (entry.namespace === undefined && !entry.template.includes('/'))
      try {
        return await registry.get(`${PUBLIC_NAMESPACE}/${entry.template}@${entry.version}`)
      } catch (again) {
        if (!isNotFound(again)) throw again
      }
    throw new RecordedVersionMissingError(ref, entry.version, (err as Error).message)
  }
}

/**
 * A render as the workflow left it: its `file` steps' moves, copies and deletes done
 * again, in order (a step naming a folder covers the files under it, as it did).
 */
function applyFileSteps(
  files: Map<string, Uint8Array>,
  steps: readonly FileStepRecord[] = [],
): Map<string, Uint8Array> {
  const out = new Map(files)
  const under = (path: string) => [...out.keys()].filter((p) => p === path || p.startsWith(`${path}/`))
  for (const step of steps) {
    if (step.action === 'delete') {
      for (const p of under(step.path)) out.delete(p)
      continue
    }
    const moved = under(step.from).map((p) => [p, step.to + p.slice(step.from.length), out.get(p)!] as const)
    if (step.action === 'move') for (const [p] of moved) out.delete(p)
    for (const [, to, bytes] of moved) out.set(to, bytes)
  }
  return out
}

const sameAnswers = (a: Answers, b: Answers): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const k of keys) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return false
  return true
}

function pick(
  params: readonly Parameter[],
  answers: Record<string, unknown>,
  only?: (p: Parameter) => boolean,
) {
  const out = ownRecord<unknown>()
  for (const p of params)
    if (Object.hasOwn(answers, p.name) && (only?.(p) ?? true)) out[p.name] = answers[p.name]
  return out
}

/** Non-secret answers, as the answers file keeps them. */
function recordable(params: readonly Parameter[], answers: Answers): Answers {
  return pick(params, answers, (p) => p.secret !== true) as Answers
}

function withPrefix(files: ReadonlyMap<string, Uint8Array>, prefix: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>()
  for (const [path, bytes] of files) if (path !== ANSWERS_FILE) out.set(prefix + path, bytes)
  return out
}

/** A move or delete naming a folder covers every file the template made under it. */
function expandFolders(
  moves: {from: string; to: string}[],
  deletes: string[],
  known: readonly string[],
): {moves: {from: string; to: string}[]; deletes: string[]} {
  const under = (dir: string) => known.filter((p) => p.startsWith(`${dir}/`))
  const outMoves = moves.flatMap((m) => {
    const inside = under(m.from)
    return inside.length === 0 ? [m] : inside.map((p) => ({from: p, to: m.to + p.slice(m.from.length)}))
  })
  const outDeletes = deletes.flatMap((d) => {
    const inside = under(d)
    return inside.length === 0 ? [d] : inside
  })
  return {moves: outMoves, deletes: outDeletes}
}

/**
 * Reads the project's answers file.
 *
 * @example
 * ```ts
 * const doc = await readProjectAnswers(projectFiles, './billing')
 * ```
 */
export async function readProjectAnswers(project: ProjectFiles, display: string): Promise<AnswersDocument> {
  const bytes = await project.read(ANSWERS_FILE)
  if (bytes === null) throw new NotAProjectError(display)
  return parseAnswersDocument(new TextDecoder().decode(bytes), `${display}/${ANSWERS_FILE}`)
}

/**
 * Computes the update of a project: every file's fate and the changes that carry it out.
 * Nothing is written; see `applyChanges` (src/update/apply.ts) for that.
 *
 * @example
 * ```ts
 * const {report, changes} = await computeUpdate(registry, diskProject('./billing'), {conflict: 'inline'})
 * report.conflicts // ['app/main.py']
 * ```
 */
export async function computeUpdate(
  registry: UpdateRegistry,
  project: ProjectFiles,
  opts: UpdateOptions = {},
  display = 'the project',
): Promise<ComputedUpdate> {
  const doc = await readProjectAnswers(project, display)
  const style = opts.conflict ?? 'inline'
  const given = opts.answers ?? {}
  const used = new Set<string>()
  // What earlier templates of the same project changed, seen by the later ones.
  const overlay: Changes = new Map()
  const readOurs = async (path: string) => (overlay.has(path) ? overlay.get(path)! : project.read(path))

  const report: UpdateReport = {status: 'current', templates: [], files: [], conflicts: []}
  const entries: ProjectEntry[] = []
  for (const entry of doc.entries) {
    const recorded = await locateRecorded(registry, entry)
    // Everything else of this entry from the same template: another of its name is another template.
    const ref = `${recorded.namespace}/${recorded.name}`
    const versions = await registry.versions(ref)
    const spec = targetSpec(entry, opts.to)
    const targetVersion =
      spec === undefined ? (newestIn(versions, `^${entry.version}`) ?? entry.version) : spec
    const target =
      targetVersion === recorded.version ? recorded : await registry.get(`${ref}@${targetVersion}`)
    if (semver.lt(target.version, recorded.version))
      throw new DowngradeError(entry.template, recorded.version, target.version)

    const params = target.manifest.parameters
    const steps = migrationsBetween(target.manifest, recorded.version, target.version)
    const givenHere = pick(params, given)
    for (const name of Object.keys(givenHere)) used.add(name)
    for (const p of recorded.manifest.parameters) if (Object.hasOwn(given, p.name)) used.add(p.name)
    // Secrets are never recorded: what was given for them renders both sides.
    const secrets = pick(recorded.manifest.parameters, given, (p) => p.secret === true)
    const baseAnswers = coerceAnswers(recorded.manifest.parameters, {...entry.answers, ...secrets})
    let theirsAnswers = coerceAnswers(params, {
      ...pick(params, migrateAnswers(entry.answers, steps)),
      ...givenHere,
    })
    if (opts.ask) theirsAnswers = await opts.ask(params, theirsAnswers)

    const newest = newestIn(versions, '*')
    const summary: TemplateUpdate = {
      template: entry.template,
      ...(entry.step !== undefined ? {step: entry.step} : {}),
      ...(entry.path !== undefined ? {path: entry.path} : {}),
      from: recorded.version,
      to: target.version,
      status: 'current',
      ...(newest !== null && semver.gt(newest, target.version) ? {newest} : {}),
      migrations: steps.length,
    }
    report.templates.push(summary)
    if (
      target.version === recorded.version &&
      sameAnswers(recordable(params, theirsAnswers), entry.answers)
    ) {
      entries.push(entry)
      continue
    }
    summary.status = 'updated'

    const [base, theirs] = await Promise.all([
      registry.instantiate(`${ref}@${recorded.version}`, {
        answers: baseAnswers,
        useDefaults: true,
        forUpdate: true,
      }),
      registry.instantiate(`${ref}@${target.version}`, {
        answers: theirsAnswers,
        useDefaults: true,
        forUpdate: true,
      }),
    ])
    const prefix = entry.path === undefined ? '' : `${entry.path}/`
    const baseFiles = applyFileSteps(withPrefix(base.files, prefix), entry.moves)
    const theirsFiles = applyFileSteps(withPrefix(theirs.files, prefix), entry.moves)
    const declared = await migrationPaths(steps, theirs.answers, target.manifest, prefix)
    const {moves, deletes} = expandFolders(declared.moves, declared.deletes, [...baseFiles.keys()])
    const ours = new Map<string, Uint8Array | null>()
    for (const path of pathsToRead(baseFiles, theirsFiles, moves, deletes))
      ours.set(path, await readOurs(path))
    const plan = planUpdate({
      base: baseFiles,
      theirs: theirsFiles,
      ours,
      moves,
      deletes,
      style,
      labels: {ours: 'ours (your project)', theirs: `theirs (${entry.template} ${target.version})`},
    })
    for (const file of plan.files) report.files.push({template: entry.template, ...file})
    for (const [path, bytes] of plan.changes) overlay.set(path, bytes)
    entries.push({
      template: entry.template,
      // Recorded from now on, for files written before the namespace was.
      namespace: recorded.namespace,
      version: target.version,
      commit: theirs.commit,
      ...(entry.project !== undefined ? {project: entry.project} : {}),
      ...(entry.step !== undefined ? {step: entry.step} : {}),
      ...(entry.path !== undefined ? {path: entry.path} : {}),
      ...(entry.moves !== undefined ? {moves: entry.moves} : {}),
      answers: recordable(params, theirs.answers),
    })
  }
  const unknown = Object.keys(given).filter((name) => !used.has(name))
  if (unknown.length > 0)
    throw new InvalidAnswersError(
      unknown.map((name) => ({
        path: `/${name}`,
        message: `no template of this project has a parameter ${name}`,
      })),
    )

  report.conflicts = report.files.filter((f) => f.fate === 'conflict').map((f) => f.path)
  report.status =
    report.conflicts.length > 0
      ? 'conflicts'
      : report.templates.some((t) => t.status === 'updated')
        ? 'updated'
        : 'current'
  if (report.status !== 'current') overlay.set(ANSWERS_FILE, serializeAnswersDocument({entries}))
  return {report, changes: overlay}
}

export interface CheckedTemplate {
  template: string
  step?: string
  path?: string
  version: string
  /** The newest version compatible with the recorded one (`^version`), when newer. */
  compatible: string | null
  /** The newest version of all. */
  latest: string | null
}

export interface CheckReport {
  /** True when a newer compatible version of some template exists. */
  outdated: boolean
  templates: CheckedTemplate[]
}

/**
 * Whether newer compatible versions exist for the templates a project records.
 *
 * @example
 * ```ts
 * const {outdated} = await checkProject(registry, diskProject('./billing'))
 * ```
 */
export async function checkProject(
  registry: UpdateRegistry,
  project: ProjectFiles,
  display = 'the project',
): Promise<CheckReport> {
  const doc = await readProjectAnswers(project, display)
  const templates: CheckedTemplate[] = []
  for (const entry of doc.entries) {
    const versions = await registry.versions(await checkedRef(registry, entry))
    const compatible = newestIn(versions, `^${entry.version}`)
    templates.push({
      template: entry.template,
      ...(entry.step !== undefined ? {step: entry.step} : {}),
      ...(entry.path !== undefined ? {path: entry.path} : {}),
      version: entry.version,
      compatible: compatible !== null && semver.gt(compatible, entry.version) ? compatible : null,
      latest: newestIn(versions, '*'),
    })
  }
  return {outdated: templates.some((t) => t.compatible !== null), templates}
}

/**
 * The template `check` asks about: the recorded namespace's; for a file that records none,
 * the one holding the recorded version (as `update` finds it), else the name as written.
 */
async function checkedRef(registry: UpdateRegistry, entry: ProjectEntry): Promise<string> {
  if (entry.namespace !== undefined || entry.template.includes('/')) return templateRef(entry)
  try {
    const recorded = await locateRecorded(registry, entry)
    return `${recorded.namespace}/${recorded.name}`
  } catch (err) {
    if (err instanceof RecordedVersionMissingError) return entry.template
    throw err
  }
}

/** Project files held in memory (an uploaded archive, a render). */
export function memoryProject(files: ReadonlyMap<string, Uint8Array>): ProjectFiles {
  return {read: async (path) => files.get(path) ?? null}
}

export interface DiffReport {
  template: string
  namespace: string
  from: string
  to: string
  /** How many template migrations lie between the two versions. */
  migrations: number
  /** Each file of either render: `unchanged`, `updated` (with its patch), `added` or `removed`. */
  files: FilePlan[]
}

/**
 * The patch between two versions of a template rendered with the same answers: the
 * update of a project that is exactly the render of `from` (so migrations apply as they
 * would to a real project).
 *
 * @example
 * ```ts
 * const {files} = await diffVersions(registry, 'fastapi-service', {from: '1.0.0', to: '1.1.0', answers: {}})
 * files.filter((f) => f.patch).map((f) => f.patch).join('')
 * ```
 */
export async function diffVersions(
  registry: UpdateRegistry,
  ref: string,
  opts: {from: string; to: string; answers?: Record<string, unknown>},
): Promise<DiffReport> {
  const from = await registry.get(`${ref}@${opts.from}`)
  const template = `${from.namespace}/${from.name}`
  const params = from.manifest.parameters
  const base = await registry.instantiate(`${template}@${from.version}`, {
    answers: coerceAnswers(params, pick(params, opts.answers ?? {})),
    useDefaults: true,
    forUpdate: true,
  })
  const files = new Map(base.files)
  files.set(
    ANSWERS_FILE,
    serializeAnswersDocument({
      entries: [{template, version: from.version, commit: base.commit, answers: base.answers}],
    }),
  )
  const given = pick((await registry.get(`${template}@${opts.to}`)).manifest.parameters, opts.answers ?? {})
  const {report} = await computeUpdate(registry, memoryProject(files), {to: [opts.to], answers: given})
  const summary = report.templates[0]!
  return {
    template: from.name,
    namespace: from.namespace,
    from: summary.from,
    to: summary.to,
    migrations: summary.migrations,
    files: report.files.map(({template: _, ...file}) => file),
  }
}
