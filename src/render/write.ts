import {randomBytes} from 'node:crypto'
import {mkdirSync, writeFileSync} from 'node:fs'
import {
  lstat,
  mkdir,
  readFile,
  readdir,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises'
import type {Stats} from 'node:fs'
import {basename, dirname, join, resolve, sep} from 'node:path'

import {DestinationNotEmptyError, UnsafePathError, UsageError} from '../domain/errors.js'
import {assertSafeRelativePath} from '../domain/paths.js'
import type {TemplateFiles} from '../domain/types.js'

export interface WriteOptions {
  /** Write into a destination that already holds files (overwriting same-named files). */
  force?: boolean
  /** Check everything and report what would be written, without writing. */
  dryRun?: boolean
}

/**
 * What writing does (or, in a dry run, would do) to one file of the destination:
 * `new` (no such file yet), `unchanged` (the same bytes are there: left alone),
 * `overwritten` (other bytes are there, replaced with `force`), `conflict` (other bytes
 * are there and there is no `force`: only a dry run reports it, a write refuses).
 */
export type FileChange = 'new' | 'unchanged' | 'overwritten' | 'conflict'

export interface WriteResult {
  /** The destination, as an absolute path. */
  dest: string
  /** Relative POSIX paths of the project (written, or that would be in a dry run), sorted. */
  written: string[]
  dryRun: boolean
  /** Every path of `written` with what happens to it in the destination. */
  changes: {path: string; change: FileChange}[]
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code
}

async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path)
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null
    throw err
  }
}

/** Template files carry no mode bits; a script with a shebang is almost always meant to run. */
function modeFor(bytes: Uint8Array): number {
  return bytes[0] === 0x23 && bytes[1] === 0x21 ? 0o755 : 0o644
}

const suffix = (): string => randomBytes(6).toString('hex')

/**
 * Checks every output path before anything touches the disk: safe relative form, inside
 * the destination once resolved, and no path that needs another one to be a folder.
 */
function checkPaths(root: string, files: ReadonlyMap<string, Uint8Array>): string[] {
  const base = root.endsWith(sep) ? root : root + sep
  const paths = [...files.keys()].sort()
  const all = new Set(paths)
  for (const path of paths) {
    assertSafeRelativePath(path, 'output path')
    const abs = resolve(root, ...path.split('/'))
    if (!abs.startsWith(base)) throw new UnsafePathError(path, 'output path leaves the destination')
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/')
      if (all.has(prefix))
        throw new UnsafePathError(path, `output path needs ${prefix} to be a folder, but it is also a file`)
    }
  }
  return paths
}

type DestState = 'missing' | 'empty' | 'non-empty'

async function destinationState(dest: string): Promise<DestState> {
  let st: Stats
  try {
    st = await stat(dest)
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 'missing'
    throw err
  }
  if (!st.isDirectory()) throw new UsageError(`destination ${dest} exists and is not a folder`, {dest})
  return (await readdir(dest)).length === 0 ? 'empty' : 'non-empty'
}

/** A fresh folder next to `dest`, so the final rename stays on one file system. */
async function makeSiblingTemp(dest: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const tmp = join(dirname(dest), `.${basename(dest)}.maestro-${suffix()}`)
    try {
      // mkdir (unlike mkdtemp's 0700) honours the umask: the folder becomes the project.
      await mkdir(tmp)
      return tmp
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST' || attempt >= 5) throw err
    }
  }
}

/** Missing or empty destination: build the whole tree aside, then move it into place. */
async function writeFresh(
  dest: string,
  display: string,
  files: ReadonlyMap<string, Uint8Array>,
  paths: string[],
  state: DestState,
): Promise<void> {
  await mkdir(dirname(dest), {recursive: true})
  const tmp = await makeSiblingTemp(dest)
  try {
    // The temp folder is ours alone and unseen until the rename, so plain synchronous
    // writes are safe here, and several times faster than one thread-pool round trip
    // per mkdir and per file (a 200-file project: ~15 ms instead of ~150 ms).
    const dirs = new Set(paths.map((path) => dirname(join(tmp, ...path.split('/')))))
    for (const dir of [...dirs].sort()) mkdirSync(dir, {recursive: true})
    for (const path of paths) {
      const bytes = files.get(path)!
      writeFileSync(join(tmp, ...path.split('/')), bytes, {flag: 'wx', mode: modeFor(bytes)})
    }
    try {
      // POSIX rename replaces an empty folder in one step.
      await rename(tmp, dest)
    } catch (err) {
      const code = errnoCode(err)
      const occupied = code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM' || code === 'EISDIR'
      if (!occupied) throw err
      if (state === 'missing') throw new DestinationNotEmptyError(display)
      // Windows will not rename onto a folder: remove the (still empty) one first.
      try {
        await rmdir(dest)
      } catch (rmErr) {
        if (errnoCode(rmErr) === 'ENOTEMPTY' || errnoCode(rmErr) === 'EEXIST')
          throw new DestinationNotEmptyError(display)
        throw rmErr
      }
      await rename(tmp, dest)
    }
  } catch (err) {
    await rm(tmp, {recursive: true, force: true})
    throw err
  }
}

/**
 * Looks at what already exists under `dest` for every output path: a symbolic link
 * anywhere on the way would send the write outside the destination, a file where a
 * folder is needed (or the reverse) would fail half-way. Runs before anything is written.
 */
async function preflightInto(dest: string, paths: string[]): Promise<void> {
  const seen = new Map<string, Stats | null>()
  for (const path of paths) {
    const parts = path.split('/')
    for (let i = 0; i < parts.length; i++) {
      const rel = parts.slice(0, i + 1).join('/')
      let st = seen.get(rel)
      if (st === undefined) {
        st = await lstatOrNull(join(dest, ...parts.slice(0, i + 1)))
        seen.set(rel, st)
      }
      if (st === null) break
      if (st.isSymbolicLink())
        throw new UnsafePathError(
          path,
          `${rel} in the destination is a symbolic link; refusing to write through it`,
        )
      const last = i === parts.length - 1
      if (!last && !st.isDirectory())
        throw new UnsafePathError(path, `${rel} in the destination is not a folder`)
      if (last && !st.isFile())
        throw new UnsafePathError(path, `${rel} in the destination exists and is not a file`)
    }
  }
}

/** Each output path compared with what the destination holds (after preflightInto: a file or nothing). */
async function compareWithDestination(
  dest: string,
  files: ReadonlyMap<string, Uint8Array>,
  paths: string[],
  force: boolean,
): Promise<{path: string; change: FileChange}[]> {
  const changes: {path: string; change: FileChange}[] = []
  for (const path of paths) {
    const abs = join(dest, ...path.split('/'))
    const st = await lstatOrNull(abs)
    let change: FileChange = 'new'
    if (st) {
      const bytes = files.get(path)!
      const same = st.size === bytes.byteLength && Buffer.from(bytes).equals(await readFile(abs))
      change = same ? 'unchanged' : force ? 'overwritten' : 'conflict'
    }
    changes.push({path, change})
  }
  return changes
}

/** Makes each folder of `parts` under `dest`, one level at a time, refusing links. */
async function ensureDirs(dest: string, parts: string[], path: string): Promise<void> {
  let cur = dest
  for (const part of parts) {
    cur = join(cur, part)
    try {
      await mkdir(cur)
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err
    }
    // Re-check after mkdir: something may have swapped in a link since the preflight.
    const st = await lstat(cur)
    if (st.isSymbolicLink() || !st.isDirectory())
      throw new UnsafePathError(path, `${part} in the destination is not a plain folder`)
  }
}

/** Non-empty destination with force: each file lands by temp file + rename. */
async function writeInto(
  dest: string,
  files: ReadonlyMap<string, Uint8Array>,
  paths: string[],
): Promise<void> {
  for (const path of paths) {
    const parts = path.split('/')
    const name = parts.pop()!
    await ensureDirs(dest, parts, path)
    const abs = join(dest, ...parts, name)
    const tmp = join(dest, ...parts, `.${name}.maestro-${suffix()}`)
    const bytes = files.get(path)!
    // `wx` never follows a link (the name must not exist); rename replaces a link or
    // file at `abs` with our file instead of writing through it.
    await writeFile(tmp, bytes, {flag: 'wx', mode: modeFor(bytes)})
    try {
      await rename(tmp, abs)
    } catch (err) {
      await unlink(tmp).catch(() => undefined)
      throw err
    }
  }
}

/**
 * Checks, before any work, that `dest` can receive a project: missing, an empty folder,
 * or (with `force`) a folder holding files. Lets a command refuse early, before asking
 * questions or rendering; {@link writeProject} checks again when it writes.
 *
 * @example
 * ```ts
 * await assertDestinationUsable('./billing') // throws DestinationNotEmptyError if it holds files
 * ```
 */
export async function assertDestinationUsable(dest: string, opts: {force?: boolean} = {}): Promise<void> {
  const display = resolve(dest)
  const state = await destinationState(display)
  if (state === 'non-empty' && !opts.force) throw new DestinationNotEmptyError(display)
}

/**
 * Writes rendered files to `dest`.
 *
 * Every path is checked first (safe, inside `dest`, no file/folder clash), so a bad
 * path means nothing is written. A missing or empty destination is filled all-or-nothing:
 * the tree is written to a temporary sibling folder and renamed into place. A non-empty
 * destination needs `force`; then each file that differs is replaced atomically, files
 * with the same bytes are left alone, and a symbolic link inside the destination on any
 * output path refuses the whole write up front. `changes` says, per file, which of
 * these happened, so no file is replaced without being named. A dry run into a
 * non-empty destination without `force` reports the files that differ as `conflict`.
 *
 * @example
 * ```ts
 * const files = await renderTemplate(template, answers, meta)
 * const {written} = await writeProject('./billing', files)
 * await writeProject('./billing', files, {dryRun: true}) // reports, writes nothing
 * ```
 */
export async function writeProject(
  dest: string,
  files: Map<string, Uint8Array>,
  opts: WriteOptions = {},
): Promise<WriteResult> {
  const display = resolve(dest)
  const state = await destinationState(display)
  // Work on the real folder: renaming onto a link to a folder would replace the link.
  const target = state === 'missing' ? display : await realpath(display)
  const paths = checkPaths(target, files)
  const dryRun = opts.dryRun === true
  if (state !== 'non-empty') {
    if (!dryRun) await writeFresh(target, display, files, paths, state)
    return {dest: display, written: paths, dryRun, changes: paths.map((path) => ({path, change: 'new'}))}
  }
  if (!opts.force && !dryRun) throw new DestinationNotEmptyError(display)
  await preflightInto(target, paths)
  const changes = await compareWithDestination(target, files, paths, opts.force === true)
  if (!dryRun) {
    const differing = changes.filter((c) => c.change !== 'unchanged').map((c) => c.path)
    await writeInto(target, files, differing)
  }
  return {dest: display, written: paths, dryRun, changes}
}

/**
 * Writes a template's files into `dir` (for `get --output`). Refuses a folder that holds
 * files unless `force`; the write is all-or-nothing for a new folder and never follows
 * links (it is {@link writeProject}).
 *
 * @example
 * ```ts
 * const {files} = await registry.getFiles('fastapi-service@1.2.0')
 * await writeTemplateDir('./fastapi-service', files)
 * ```
 */
export async function writeTemplateDir(
  dir: string,
  files: TemplateFiles,
  opts: {force?: boolean} = {},
): Promise<void> {
  await writeProject(dir, files, {force: opts.force === true})
}
