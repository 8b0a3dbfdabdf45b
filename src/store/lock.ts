/**
 * An exclusive writer lock shared by every process on the machine.
 *
 * The lock is a file created with O_EXCL holding the owner's pid, host and a random
 * token. The owner refreshes its mtime while it holds it; a waiter breaks a lock whose
 * owner is a dead process on this host, or which nobody refreshed for `staleMs`. Inside
 * one process, callers queue on a promise chain first so they do not poll each other,
 * in the order they called, and a holder that calls `withFileLock` again for the same
 * file (in the same async context) just runs: the lock is re-entrant.
 *
 * With `options.shared` (a PostgreSQL or Redis lock, src/db/lock.ts) the lock reaches
 * every machine: each process's first waiter takes the shared lock, then the file lock
 * (always in that order, so two machines on one store volume cannot deadlock), and
 * {@link assertLockHeld} lets the writer check it still holds it before it moves a ref.
 */
import {AsyncLocalStorage} from 'node:async_hooks'
import {randomBytes} from 'node:crypto'
import {promises as fsp} from 'node:fs'
import {hostname} from 'node:os'
import {basename, dirname, resolve as resolvePath} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {ConflictError} from '../domain/errors.js'
import type {LockOptions, SharedLease} from './types.js'

const DEFAULT_TIMEOUT_MS = 10_000
const DEFAULT_STALE_MS = 30_000

/** What a lock file holds. */
export interface LockOwner {
  pid: number
  host: string
  token: string
  /** ISO time the lock was taken. */
  since: string
}

/** Tail of the in-process queue of each lock file. */
const queues = new Map<string, Promise<void>>()
/** Lock files the current async context holds, with the shared lease taken with each (null: none). */
const held = new AsyncLocalStorage<ReadonlyMap<string, SharedLease | null>>()
/** Tokens of the lock files this process holds right now. */
const ownTokens = new Set<string>()

/**
 * Runs `fn` while holding the lock file `lockPath`; throws ConflictError when the lock
 * stays taken for `timeoutMs`.
 *
 * @example
 * ```ts
 * await withFileLock('/srv/maestro/git/acme.lock', async () => {
 *   await repo.commit(change)
 * }, {timeoutMs: 5000})
 * ```
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: LockOptions & {what?: string} = {},
): Promise<T> {
  lockPath = resolvePath(lockPath)
  if (held.getStore()?.has(lockPath)) return fn()
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS
  const deadline = Date.now() + timeoutMs
  const what = options.what ?? lockPath

  const previous = queues.get(lockPath) ?? Promise.resolve()
  let done!: () => void
  const mine = new Promise<void>((resolve) => (done = resolve))
  const tail = previous.then(() => mine)
  queues.set(lockPath, tail)
  const leave = (): void => {
    done()
    if (queues.get(lockPath) === tail) queues.delete(lockPath)
  }

  if (!(await settlesWithin(previous, timeoutMs))) {
    // Keep the queue in order: our turn passes as soon as the one before us ends.
    void previous.then(leave)
    throw timeout(what, lockPath, timeoutMs, null)
  }
  try {
    const lease = options.shared
      ? await options.shared.acquire(basename(lockPath), Math.max(1, deadline - Date.now()))
      : null
    try {
      const owner = await acquire(lockPath, deadline, staleMs, what, timeoutMs)
      const heartbeat = setInterval(() => void touch(lockPath), Math.max(50, Math.floor(staleMs / 3)))
      heartbeat.unref()
      try {
        const inner = new Map(held.getStore() ?? [])
        inner.set(lockPath, lease)
        return await held.run(inner, fn)
      } finally {
        clearInterval(heartbeat)
        await release(lockPath, owner)
      }
    } finally {
      await lease?.release()
    }
  } finally {
    leave()
  }
}

/**
 * Fencing for a writer about to make its change visible (move a ref): when the current
 * async context took `lockPath` with a shared lock, throws unless that lock is still
 * held (src/db/lock.ts LockLostError). A writer outside any lock relies on the ref's
 * compare-and-swap alone.
 *
 * @example
 * ```ts
 * await assertLockHeld(lockPath) // then compare-and-swap the ref
 * ```
 */
export async function assertLockHeld(lockPath: string): Promise<void> {
  const leases = held.getStore()
  lockPath = resolvePath(lockPath)
  if (!leases?.has(lockPath)) return
  await leases.get(lockPath)?.check()
}

/** Reads who holds a lock file, or null when it is free or unreadable. */
export async function readLockOwner(lockPath: string): Promise<LockOwner | null> {
  try {
    const parsed = JSON.parse(await fsp.readFile(lockPath, 'utf8')) as Partial<LockOwner>
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string') return null
    return parsed as LockOwner
  } catch {
    return null
  }
}

async function acquire(
  lockPath: string,
  deadline: number,
  staleMs: number,
  what: string,
  timeoutMs: number,
): Promise<LockOwner> {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: randomBytes(12).toString('hex'),
    since: new Date().toISOString(),
  }
  let pause = 5
  for (;;) {
    try {
      const handle = await fsp.open(lockPath, 'wx')
      try {
        await handle.writeFile(JSON.stringify(owner))
      } finally {
        await handle.close()
      }
      ownTokens.add(owner.token)
      return owner
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') {
        await fsp.mkdir(dirname(lockPath), {recursive: true})
        continue
      }
      if (code !== 'EEXIST') throw err
    }
    const current = await readLockOwner(lockPath)
    if (await isStale(lockPath, current, staleMs)) {
      await breakLock(lockPath)
      continue
    }
    if (Date.now() >= deadline) throw timeout(what, lockPath, timeoutMs, current)
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())))
    pause = Math.min(pause * 2, 100)
  }
}

async function isStale(lockPath: string, owner: LockOwner | null, staleMs: number): Promise<boolean> {
  let mtimeMs: number
  try {
    mtimeMs = (await fsp.stat(lockPath)).mtimeMs
  } catch {
    return false // released meanwhile: the next attempt takes it
  }
  if (Date.now() - mtimeMs > staleMs) return true
  // An unreadable file is a lock being written right now: only its age can make it stale.
  if (!owner || owner.host !== hostname()) return false
  // A lock with our pid but a token we do not hold was left by an earlier process that
  // had the same pid (pids are reused, often within a container).
  if (owner.pid === process.pid) return !ownTokens.has(owner.token)
  return !isAlive(owner.pid)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes a stale lock. Renaming first means two waiters breaking the same lock cannot
 * both succeed: the second rename fails and that waiter simply retries.
 */
async function breakLock(lockPath: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    await fsp.rename(lockPath, aside)
  } catch {
    return
  }
  await fsp.rm(aside, {force: true})
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  ownTokens.delete(owner.token)
  // Only remove the file if it is still ours (it is not, if a waiter judged us stale).
  const current = await readLockOwner(lockPath)
  if (current?.token === owner.token) await fsp.rm(lockPath, {force: true})
}

async function touch(lockPath: string): Promise<void> {
  const now = new Date()
  await fsp.utimes(lockPath, now, now).catch(() => undefined)
}

function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    void promise.then(() => {
      clearTimeout(timer)
      resolve(true)
    })
  })
}

function timeout(what: string, lockPath: string, timeoutMs: number, owner: LockOwner | null): ConflictError {
  const by = owner ? ` by process ${owner.pid} on ${owner.host} since ${owner.since}` : ' by another writer'
  return new ConflictError(`${what} is locked${by}; gave up after ${timeoutMs} ms, try again`, {
    lock: lockPath,
    owner,
    timeoutMs,
  })
}
