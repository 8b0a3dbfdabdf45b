import {spawn} from 'node:child_process'
import {existsSync, utimesSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {ConflictError} from '../../../src/domain/errors.js'
import {GitStore} from '../../../src/store/git-store.js'
import {readLockOwner} from '../../../src/store/lock.js'
import {buildStoreForChild, fsck, startChild, tempDir, templateFiles} from './support.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function newRepo() {
  const store = new GitStore(tempDir())
  const repo = store.repo('acme')
  await repo.init()
  return {store, repo, lockPath: join(store.root, 'acme.lock')}
}

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid as number
}

describe('NamespaceRepo.withLock in one process', () => {
  it('runs one writer at a time, in arrival order', async () => {
    const {repo, lockPath} = await newRepo()
    const events: string[] = []
    const writer = (id: string, ms: number) =>
      repo.withLock(async () => {
        events.push(`${id}:start`)
        expect(existsSync(lockPath)).toBe(true)
        await sleep(ms)
        events.push(`${id}:end`)
        return id
      })
    expect(await Promise.all([writer('a', 60), writer('b', 10), writer('c', 1)])).toEqual(['a', 'b', 'c'])
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end'])
    expect(existsSync(lockPath)).toBe(false)
  })

  it('gives up with ConflictError after the timeout, and the holder is not disturbed', async () => {
    const {repo} = await newRepo()
    let release!: () => void
    const holding = repo.withLock(() => new Promise<string>((resolve) => (release = () => resolve('held'))))
    await sleep(20)
    const started = Date.now()
    await expect(repo.withLock(async () => 'never', {timeoutMs: 150})).rejects.toBeInstanceOf(ConflictError)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    release()
    expect(await holding).toBe('held')
    // The queue is in order again: the next writer gets the lock at once.
    expect(await repo.withLock(async () => 'next', {timeoutMs: 1000})).toBe('next')
  })

  it('releases the lock when the writer throws', async () => {
    const {repo, lockPath} = await newRepo()
    await expect(repo.withLock(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(existsSync(lockPath)).toBe(false)
    expect(await repo.withLock(async () => 1)).toBe(1)
  })

  it('is re-entrant within one call chain', async () => {
    const {repo} = await newRepo()
    const inner = await repo.withLock(() => repo.withLock(async () => 'inner', {timeoutMs: 100}))
    expect(inner).toBe('inner')
  })

  it('is shared by two store handles on the same root', async () => {
    const {store, repo} = await newRepo()
    const other = new GitStore(store.root).repo('acme')
    let inside = 0
    let overlap = false
    const writer = (r: typeof repo) =>
      r.withLock(async () => {
        if (++inside > 1) overlap = true
        await sleep(30)
        inside--
      })
    await Promise.all([writer(repo), writer(other), writer(repo), writer(other)])
    expect(overlap).toBe(false)
  })

  it('breaks a lock left by a dead process at once', async () => {
    const {repo, lockPath} = await newRepo()
    const pid = await deadPid()
    writeFileSync(
      lockPath,
      JSON.stringify({pid, host: hostname(), token: 'dead', since: new Date().toISOString()}),
    )
    const started = Date.now()
    expect(await repo.withLock(async () => 'taken', {timeoutMs: 2000})).toBe('taken')
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('breaks a lock nobody refreshed for staleMs, but waits for a fresh one held by a live process', async () => {
    const {repo, lockPath} = await newRepo()
    // A live process (the test runner's parent) on another host cannot be checked by pid: only age counts.
    writeFileSync(lockPath, JSON.stringify({pid: process.ppid, host: 'elsewhere', token: 'x', since: 'then'}))
    await expect(repo.withLock(async () => 'no', {timeoutMs: 100, staleMs: 60_000})).rejects.toMatchObject({
      code: 'CONFLICT',
      data: {owner: {pid: process.ppid, host: 'elsewhere'}},
    })
    const old = new Date(Date.now() - 120_000)
    utimesSync(lockPath, old, old)
    expect(await repo.withLock(async () => 'yes', {timeoutMs: 1000, staleMs: 60_000})).toBe('yes')
  })
})

describe('NamespaceRepo.withLock across processes', () => {
  let build: string
  beforeAll(() => {
    build = buildStoreForChild()
  })

  it('makes this process wait while a child process holds the lock', async () => {
    const {store, repo} = await newRepo()
    const {output, exited} = await startChild(build, ['hold', store.root, 'acme', '400'], 'locked')
    const owner = await readLockOwner(join(store.root, 'acme.lock'))
    expect(owner?.pid).not.toBe(process.pid)
    const entered = await repo.withLock(async () => {
      const at = Date.now()
      await repo.commit({
        operation: 'create',
        name: 'parent',
        version: '1.0.0',
        path: 'parent/parent',
        files: templateFiles('parent'),
      })
      return at
    })
    expect(await exited).toBe(0)
    const releasedAt = Number(/released (\d+)/.exec(output())?.[1])
    expect(entered).toBeGreaterThanOrEqual(releasedAt)
    // The child's commit came first, ours on top of it.
    expect((await repo.log()).map((c) => c.trailers.template)).toEqual([`held-${owner?.pid}`, 'parent'])
    fsck(repo.dir)
  })

  it('loses no commit when a child and this process write at the same time', async () => {
    const {store, repo} = await newRepo()
    const child = startChild(build, ['commits', store.root, 'acme', '15', 'child'], 'done')
    for (let i = 0; i < 15; i++) {
      await repo.withLock(() =>
        repo.commit({
          operation: 'create',
          name: `parent-${i}`,
          version: '1.0.0',
          path: `parent/parent-${i}`,
          files: templateFiles(`parent-${i}`),
        }),
      )
    }
    await (
      await child
    ).exited
    const log = await repo.log()
    expect(log).toHaveLength(30)
    expect(new Set(log.map((c) => c.trailers.template)).size).toBe(30)
    expect(await repo.listTemplates('main')).toHaveLength(30)
    fsck(repo.dir)
  })

  it('keeps a long-held lock fresh, so a waiter does not take it for stale', async () => {
    const {store, repo} = await newRepo()
    const lockPath = join(store.root, 'acme.lock')
    const {exited} = await startChild(build, ['hold', store.root, 'acme', '1200', '300'], 'locked')
    const owner = await readLockOwner(lockPath)
    // Waits three times staleMs: the holder's heartbeat keeps the lock fresh all along.
    await expect(repo.withLock(async () => 'no', {timeoutMs: 900, staleMs: 300})).rejects.toBeInstanceOf(
      ConflictError,
    )
    expect((await readLockOwner(lockPath))?.token).toBe(owner?.token)
    expect(await exited).toBe(0)
  })

  it('takes over at once from a child killed while holding the lock', async () => {
    const {store, repo} = await newRepo()
    const {child, exited} = await startChild(build, ['hold', store.root, 'acme', '-1'], 'locked')
    await expect(repo.withLock(async () => 'no', {timeoutMs: 100})).rejects.toBeInstanceOf(ConflictError)
    child.kill('SIGKILL')
    await exited
    const started = Date.now()
    expect(await repo.withLock(async () => 'mine', {timeoutMs: 5000})).toBe('mine')
    expect(Date.now() - started).toBeLessThan(2000)
  })
})
