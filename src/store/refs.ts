/**
 * Reading and moving git refs the way git itself does, without loading isomorphic-git:
 * every command reads a namespace's head at start-up, and writers (publish, sync) move
 * refs under git's own lock-file protocol, which the real git CLI honours too.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  promises as fsp,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import type {FileHandle} from 'node:fs/promises'
import {join} from 'node:path'

import {ConflictError} from '../domain/errors.js'

/** How long a writer waits for another's ref lock before giving up. */
const REF_LOCK_WAIT_MS = 2_000
/** A ref lock older than this was left by a writer that died: it is removed. */
const REF_LOCK_STALE_MS = 30_000

/**
 * The commit a ref points at (loose file, else packed-refs), or null when it does not exist.
 *
 * @example
 * ```ts
 * await readRef('/home/me/.maestro/git/local.git', 'refs/heads/main') // '3f2a…' or null
 * ```
 */
export async function readRef(gitdir: string, ref: string): Promise<string | null> {
  const loose = await fsp.readFile(join(gitdir, ...ref.split('/')), 'utf8').catch(() => undefined)
  if (loose !== undefined && /^[0-9a-f]{40}\s*$/.test(loose)) return loose.trim()
  const packed = await fsp.readFile(join(gitdir, 'packed-refs'), 'utf8').catch(() => '')
  const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`))
  return line ? line.slice(0, 40) : null
}

/**
 * {@link readRef}, synchronously: for a writer holding its namespace's lock, whose every
 * step would otherwise wait behind the file system thread pool all requests share.
 */
export function readRefSync(gitdir: string, ref: string): string | null {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8')
    } catch {
      return undefined
    }
  }
  const loose = read(join(gitdir, ...ref.split('/')))
  if (loose !== undefined && /^[0-9a-f]{40}\s*$/.test(loose)) return loose.trim()
  const line = (read(join(gitdir, 'packed-refs')) ?? '').split('\n').find((l) => l.endsWith(` ${ref}`))
  return line ? line.slice(0, 40) : null
}

/**
 * Moves `ref` from `expected` to `next` as git does: take `<ref>.lock` with O_EXCL
 * (waiting briefly for another writer, breaking a stale lock), check the ref still
 * holds `expected` (unless `force`), write the new value into the lock file and rename
 * it over the ref. A ref that moved meanwhile is a ConflictError: nothing is lost.
 *
 * @example
 * ```ts
 * await advanceRef(repo.dir, 'refs/heads/main', oldHead, newCommit, {namespace: 'local'})
 * ```
 */
export async function advanceRef(
  gitdir: string,
  ref: string,
  expected: string | null,
  next: string,
  opts: {namespace: string; force?: boolean},
): Promise<void> {
  const refPath = join(gitdir, ...ref.split('/'))
  const lockPath = `${refPath}.lock`
  // A writer under its namespace's lock nearly always finds the ref lock free: then the
  // few small steps run synchronously, not one thread-pool turn each behind every request.
  if (advanceFreeRefSync(gitdir, ref, expected, next, opts)) return
  await fsp.mkdir(join(refPath, '..'), {recursive: true})
  const deadline = Date.now() + REF_LOCK_WAIT_MS
  let handle: FileHandle | undefined
  while (!handle) {
    try {
      handle = await fsp.open(lockPath, 'wx')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const age = await fsp.stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      )
      if (age > REF_LOCK_STALE_MS) await fsp.rm(lockPath, {force: true})
      else if (Date.now() > deadline) {
        throw new ConflictError(
          `${ref} of namespace ${opts.namespace} is locked by another writer; try again`,
          {
            namespace: opts.namespace,
          },
        )
      } else await new Promise((resolve) => setTimeout(resolve, 2))
    }
  }
  let renamed = false
  try {
    if (!opts.force) {
      const current = await readRef(gitdir, ref)
      if (current !== expected) {
        throw new ConflictError(
          `namespace ${opts.namespace} changed meanwhile (${ref} moved from ${expected ?? 'nothing'} to ${current ?? 'nothing'}); try again`,
          {namespace: opts.namespace, expected, current},
        )
      }
    }
    await handle.writeFile(`${next}\n`)
    await handle.close()
    handle = undefined
    await fsp.rename(lockPath, refPath)
    renamed = true
  } finally {
    await handle?.close()
    if (!renamed) await fsp.rm(lockPath, {force: true})
  }
}

/** {@link advanceRef} when `<ref>.lock` is free; false (nothing done) when another writer holds it. */
function advanceFreeRefSync(
  gitdir: string,
  ref: string,
  expected: string | null,
  next: string,
  opts: {namespace: string; force?: boolean},
): boolean {
  const refPath = join(gitdir, ...ref.split('/'))
  const lockPath = `${refPath}.lock`
  mkdirSync(join(refPath, '..'), {recursive: true})
  let fd: number
  try {
    fd = openSync(lockPath, 'wx')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
  let renamed = false
  try {
    try {
      if (!opts.force) {
        const current = readRefSync(gitdir, ref)
        if (current !== expected) {
          throw new ConflictError(
            `namespace ${opts.namespace} changed meanwhile (${ref} moved from ${expected ?? 'nothing'} to ${current ?? 'nothing'}); try again`,
            {namespace: opts.namespace, expected, current},
          )
        }
      }
      writeSync(fd, `${next}\n`)
    } finally {
      closeSync(fd)
    }
    renameSync(lockPath, refPath)
    renamed = true
    return true
  } finally {
    if (!renamed) rmSync(lockPath, {force: true})
  }
}
