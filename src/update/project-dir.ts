/**
 * A generated project on disk: reading its files for an update, asking git whether it
 * has uncommitted changes, and writing an update all or nothing.
 *
 * All-or-nothing on a file system that can only rename one file at a time: every new
 * file is first written into `.maestro-update/new/` inside the project, then a journal
 * lists the operations, then each file is swapped in (the original moved to
 * `.maestro-update/old/`), then a commit marker is written and the folder removed. A
 * failure rolls back at once; a process killed half way leaves the journal, and the next
 * `update` or `check` on the project rolls it back before doing anything else.
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {lstat, mkdir, readFile, rename, rm, rmdir, stat, unlink, writeFile} from 'node:fs/promises'
import type {Stats} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {promisify} from 'node:util'

import {UnsafePathError, UsageError} from '../domain/errors.js'
import {assertSafeRelativePath} from '../domain/paths.js'
import {ANSWERS_FILE, serializeAnswersDocument} from './answers-file.js'
import type {AnswersDocument} from './answers-file.js'
import {DirtyProjectError, InterruptedUpdateError, UpdateNotWrittenError} from './errors.js'
import type {Changes} from './plan.js'
import {computeUpdate} from './update.js'
import type {ProjectFiles, UpdateOptions, UpdateRegistry, UpdateReport} from './update.js'

const run = promisify(execFile)

/** The work folder of an update in progress, inside the project. */
export const WORK_DIR = '.maestro-update'

interface Journal {
  /** Sorted paths; `write` replaces or creates, `delete` removes. */
  ops: {path: string; action: 'write' | 'delete'}[]
  /** Folders the update creates (removed again on rollback when empty), parents first. */
  dirs: string[]
}

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path)
  } catch (err) {
    // A name too long to exist does not exist.
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR' || errno(err) === 'ENAMETOOLONG') return null
    throw err
  }
}

const abs = (root: string, rel: string) => join(root, ...rel.split('/'))

/**
 * The files of a project folder, read on demand (only the paths an update looks at).
 *
 * @example
 * ```ts
 * const bytes = await diskProject('./billing').read('app/main.py')
 * ```
 */
export function diskProject(dir: string): ProjectFiles {
  const root = resolve(dir)
  return {
    async read(path) {
      assertSafeRelativePath(path, 'project path')
      const file = abs(root, path)
      const st = await lstatOrNull(file)
      if (st === null) return null
      if (st.isSymbolicLink())
        throw new UnsafePathError(path, 'is a symbolic link in the project; update does not follow links')
      if (!st.isFile())
        throw new UnsafePathError(path, 'is a folder in the project where the template has a file')
      return new Uint8Array(await readFile(file))
    },
  }
}

/**
 * Refuses a project inside a git repository whose working tree (under the project
 * folder) has uncommitted changes, by asking the git CLI itself.
 *
 * @example
 * ```ts
 * await assertClean('./billing') // throws DirtyProjectError
 * ```
 */
export async function assertClean(dir: string): Promise<void> {
  const root = resolve(dir)
  let out: string
  try {
    ;({stdout: out} = await run(
      'git',
      ['status', '--porcelain=v1', '-z', '--untracked-files=normal', '--', '.'],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        env: {...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C'},
      },
    ))
  } catch (err) {
    if (errno(err) === 'ENOENT') {
      // No git installed: only a problem when this is a repository.
      if (existsSync(join(root, '.git')))
        throw new UsageError(`${root} is a git repository but git is not installed to check it; pass --force`)
      return
    }
    const stderr = (err as {stderr?: string}).stderr ?? ''
    if (/not a git repository/i.test(stderr)) return
    throw new UsageError(`git status failed in ${root}: ${stderr.trim() || (err as Error).message}`)
  }
  const changed = out
    .split('\0')
    .filter((line) => line.length > 3)
    .map((line) => line.slice(3))
  if (changed.length > 0) throw new DirtyProjectError(root, changed)
}

async function safeTarget(root: string, path: string): Promise<void> {
  assertSafeRelativePath(path, 'project path')
  const parts = path.split('/')
  for (let i = 1; i <= parts.length; i++) {
    const st = await lstatOrNull(abs(root, parts.slice(0, i).join('/')))
    if (st === null) return
    if (st.isSymbolicLink())
      throw new UnsafePathError(
        path,
        `${parts.slice(0, i).join('/')} is a symbolic link; refusing to write through it`,
      )
    if (i < parts.length && !st.isDirectory())
      throw new UnsafePathError(path, `${parts.slice(0, i).join('/')} is a file where a folder is needed`)
    if (i === parts.length && !st.isFile())
      throw new UnsafePathError(path, 'is a folder in the project where the template has a file')
  }
}

/** Template files carry no mode bits: keep the project's, else a shebang makes a script. */
async function modeFor(file: string, bytes: Uint8Array): Promise<number> {
  const st = await lstatOrNull(file)
  if (st?.isFile()) return st.mode & 0o7777
  return bytes[0] === 0x23 && bytes[1] === 0x21 ? 0o755 : 0o644
}

/** Folders the template no longer fills go with their last file (never the project root). */
async function removeEmptiedFolders(root: string, journal: Journal): Promise<void> {
  for (const op of journal.ops.filter((o) => o.action === 'delete')) {
    let parent = dirname(op.path)
    while (parent !== '.') {
      try {
        await rmdir(abs(root, parent))
      } catch {
        break
      }
      parent = dirname(parent)
    }
  }
}

async function rollback(root: string, journal: Journal): Promise<void> {
  const work = join(root, WORK_DIR)
  for (const op of [...journal.ops].reverse()) {
    const target = abs(root, op.path)
    const staged = abs(join(work, 'new'), op.path)
    const saved = abs(join(work, 'old'), op.path)
    // A write whose staged file is gone has been swapped in: take it out again.
    if (op.action === 'write' && !existsSync(staged) && (await lstatOrNull(target)) !== null)
      await unlink(target)
    if ((await lstatOrNull(saved)) !== null) await rename(saved, target)
  }
  for (const dir of [...journal.dirs].reverse()) await rmdir(abs(root, dir)).catch(() => undefined)
  await rm(work, {recursive: true, force: true})
  await removeEmptiedFolders(root, journal)
}

/**
 * Finishes what an interrupted update left: rolls it back (or, when it had committed,
 * only clears its work folder). Call before reading a project.
 *
 * @example
 * ```ts
 * if (await recoverInterrupted('./billing')) console.error('rolled back an interrupted update')
 * ```
 */
export async function recoverInterrupted(dir: string): Promise<boolean> {
  const root = resolve(dir)
  const work = join(root, WORK_DIR)
  if ((await lstatOrNull(work)) === null) return false
  if (existsSync(join(work, 'committed'))) {
    await rm(work, {recursive: true, force: true})
    return true
  }
  let journal: Journal | null = null
  try {
    journal = JSON.parse(await readFile(join(work, 'journal.json'), 'utf8')) as Journal
  } catch (err) {
    // No journal: it stopped while staging, before touching the project.
    if (errno(err) !== 'ENOENT') throw new InterruptedUpdateError(root, work, (err as Error).message)
  }
  try {
    if (journal) await rollback(root, journal)
    else await rm(work, {recursive: true, force: true})
  } catch (err) {
    throw new InterruptedUpdateError(root, work, (err as Error).message)
  }
  return true
}

/**
 * Writes an update's changes into the project, all or nothing.
 *
 * @example
 * ```ts
 * const {changes} = await computeUpdate(registry, diskProject('./billing'))
 * await applyChanges('./billing', changes)
 * ```
 */
export async function applyChanges(dir: string, changes: Changes): Promise<void> {
  const root = resolve(dir)
  if (!(await stat(root)).isDirectory()) throw new UsageError(`${root} is not a folder`)
  const work = join(root, WORK_DIR)
  const paths = [...changes.keys()].sort()
  for (const path of paths) await safeTarget(root, path)

  const journal: Journal = {ops: [], dirs: []}
  const dirs = new Set<string>()
  for (const path of paths) {
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const rel = parts.slice(0, i).join('/')
      if (!dirs.has(rel) && (await lstatOrNull(abs(root, rel))) === null) dirs.add(rel)
    }
  }
  journal.dirs = [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1))

  await mkdir(work)
  try {
    for (const path of paths) {
      const bytes = changes.get(path)!
      journal.ops.push({path, action: bytes === null ? 'delete' : 'write'})
      if (bytes === null) continue
      const staged = abs(join(work, 'new'), path)
      await mkdir(dirname(staged), {recursive: true})
      await writeFile(staged, bytes, {flag: 'wx', mode: await modeFor(abs(root, path), bytes)})
    }
    await mkdir(join(work, 'old'))
    await writeFile(join(work, 'journal.tmp'), JSON.stringify(journal))
    await rename(join(work, 'journal.tmp'), join(work, 'journal.json'))
  } catch (err) {
    await rm(work, {recursive: true, force: true})
    throw err
  }

  let at = ''
  try {
    for (const dirPath of journal.dirs) await mkdir(abs(root, (at = dirPath)))
    for (const op of journal.ops) {
      at = op.path
      const target = abs(root, op.path)
      if ((await lstatOrNull(target)) !== null) {
        const saved = abs(join(work, 'old'), op.path)
        await mkdir(dirname(saved), {recursive: true})
        await rename(target, saved)
      }
      if (op.action === 'write') await rename(abs(join(work, 'new'), op.path), target)
    }
    await writeFile(join(work, 'committed'), '')
  } catch (err) {
    try {
      await rollback(root, journal)
    } catch (undo) {
      throw new InterruptedUpdateError(
        root,
        work,
        `${(err as Error).message}; undoing: ${(undo as Error).message}`,
      )
    }
    const e = err as NodeJS.ErrnoException
    // An errno code says it; the message repeats the (possibly very long) paths.
    const reason = e.code && e.syscall ? `${e.code} from ${e.syscall}` : e.message
    throw new UpdateNotWrittenError(root, at.length > 80 ? `${at.slice(0, 77)}...` : at, reason)
  }
  await rm(work, {recursive: true, force: true})
  await removeEmptiedFolders(root, journal)
}

export interface DirUpdateOptions extends UpdateOptions {
  /** Compute and report, write nothing. */
  dryRun?: boolean
  /** Update a git repository with uncommitted changes anyway. */
  force?: boolean
}

export interface DirUpdateResult extends UpdateReport {
  dir: string
  dryRun: boolean
  /** An interrupted earlier update was rolled back first. */
  recovered: boolean
  /** Files written or deleted (none in a dry run). */
  written: string[]
}

/**
 * The whole `maestro-tpl update` on a folder: roll back an interrupted update, refuse a
 * dirty git repository (unless forced), compute, and write all or nothing.
 *
 * @example
 * ```ts
 * const result = await updateProjectDir(registry, './billing', {to: ['^2'], conflict: 'rej'})
 * result.conflicts // ['app/main.py']
 * ```
 */
export async function updateProjectDir(
  registry: UpdateRegistry,
  dir: string,
  opts: DirUpdateOptions = {},
): Promise<DirUpdateResult> {
  const root = resolve(dir)
  if (!existsSync(root)) throw new UsageError(`${root} does not exist`)
  const recovered = opts.dryRun ? false : await recoverInterrupted(root)
  if (!opts.force && !opts.dryRun) await assertClean(root)
  const {report, changes} = await computeUpdate(registry, diskProject(root), opts, root)
  const written = opts.dryRun ? [] : [...changes.keys()].sort()
  if (!opts.dryRun && changes.size > 0) await applyChanges(root, changes)
  return {dir: root, dryRun: opts.dryRun === true, recovered, written, ...report}
}

/**
 * Rewrites a project's .maestro-answers.yaml (temp file + rename: never half a file).
 *
 * @example
 * ```ts
 * await writeAnswersDocument('./billing', {entries})
 * ```
 */
export async function writeAnswersDocument(dir: string, doc: AnswersDocument): Promise<void> {
  const file = join(resolve(dir), ANSWERS_FILE)
  const tmp = `${file}.maestro-${process.pid}`
  await writeFile(tmp, serializeAnswersDocument(doc))
  await rename(tmp, file)
}
