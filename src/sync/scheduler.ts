/**
 * Git sync on a schedule (MAESTRO_GIT_SYNC_INTERVAL), as the original service offered
 * ("manual or scheduled"): every namespace whose repository has a remembered `origin`
 * (set by its first manual sync) is pulled and pushed every interval.
 *
 * Several daemons on one store run the same scheduler; each sync runs once. A daemon
 * decides under the namespace's write lock (the lock shared by every daemon, see
 * src/db/lock.ts) whether a sync is due, from a schedule file beside the repository
 * (`<namespace>.git/maestro-sync-schedule.json`): the first daemon syncs and moves the
 * due time, the others find it not due. A failed sync backs off exponentially (interval
 * × 2^failures, capped), shared the same way.
 */
import {randomBytes} from 'node:crypto'
import {promises as fsp} from 'node:fs'
import {join} from 'node:path'

import type {Logger} from 'pino'

import {isMaestroError} from '../domain/errors.js'
import type {GitStore, NamespaceRepo} from '../store/index.js'
import type {SyncSummary} from './git-sync.js'

const SCHEDULE_FILE = 'maestro-sync-schedule.json'

/** What the schedule file holds. */
interface Schedule {
  /** ISO time before which no daemon syncs this namespace. */
  next_due: string
  /** Failed scheduled syncs in a row (0 after a success). */
  consecutive_failures: number
}

export interface GitSyncSchedulerOptions {
  store: GitStore
  /** Time between syncs of one namespace, ms (> 0). */
  intervalMs: number
  /** Longest back-off after failures, ms (default: 32 intervals, at most one day). */
  maxBackoffMs?: number
  /** Runs one sync (recorded for /health, with the daemon's policy and credentials). */
  sync(repo: NamespaceRepo): Promise<SyncSummary>
  /** Called after each scheduled sync, for /metrics. */
  onResult?(result: 'ok' | 'failed'): void
  /** How long a tick waits for a namespace lock before leaving it to the next tick (default 2 s). */
  lockWaitMs?: number
  logger?: Logger
}

/** A running scheduler. */
export interface GitSyncScheduler {
  /** Runs one round now (tests and the timer call it); syncs what is due. */
  tick(): Promise<void>
  /** Stops the timer and waits for a round in progress. */
  stop(): Promise<void>
}

/**
 * Starts syncing on a schedule; the first round runs after one interval.
 *
 * @example
 * ```ts
 * const scheduler = startGitSyncScheduler({store, intervalMs: 300_000, sync: (repo) => syncOne(repo)})
 * await scheduler.stop()
 * ```
 */
export function startGitSyncScheduler(options: GitSyncSchedulerOptions): GitSyncScheduler {
  const {store, intervalMs, logger} = options
  if (!(intervalMs > 0)) throw new RangeError('intervalMs must be positive')
  const maxBackoffMs = options.maxBackoffMs ?? Math.min(32 * intervalMs, 86_400_000)
  const lockWaitMs = options.lockWaitMs ?? 2_000
  let running: Promise<void> | undefined
  let stopped = false

  const syncIfDue = async (repo: NamespaceRepo): Promise<void> => {
    if (!(await hasOrigin(repo))) return
    await repo.withLock(
      async () => {
        const schedule = await readSchedule(repo)
        if (schedule && Date.parse(schedule.next_due) > Date.now()) return
        let next: Schedule
        try {
          const summary = await options.sync(repo)
          next = {next_due: new Date(Date.now() + intervalMs).toISOString(), consecutive_failures: 0}
          options.onResult?.('ok')
          logger?.info(
            {
              namespace: repo.namespace,
              remote: summary.remote,
              fetched: summary.fetched,
              pushed: summary.pushed,
            },
            'scheduled git sync',
          )
        } catch (err) {
          const failures = (schedule?.consecutive_failures ?? 0) + 1
          const backoff = Math.min(intervalMs * 2 ** Math.min(failures, 30), maxBackoffMs)
          next = {next_due: new Date(Date.now() + backoff).toISOString(), consecutive_failures: failures}
          options.onResult?.('failed')
          logger?.warn(
            {
              namespace: repo.namespace,
              code: isMaestroError(err) ? err.code : 'INTERNAL',
              err: (err as Error).message,
              failures,
              retry_in_ms: backoff,
            },
            'scheduled git sync failed',
          )
        }
        await writeSchedule(repo, next)
      },
      {timeoutMs: lockWaitMs},
    )
  }

  const tick = async (): Promise<void> => {
    for (const namespace of await store.namespaces()) {
      if (stopped) return
      // A namespace busy with writes (or synced by another daemon right now) waits for the next round.
      await syncIfDue(store.repo(namespace)).catch((err: unknown) => {
        if (!(isMaestroError(err) && err.code === 'CONFLICT'))
          logger?.warn({namespace, err: (err as Error).message}, 'scheduled git sync skipped')
      })
    }
  }

  const round = (): Promise<void> =>
    (running ??= tick().finally(() => {
      running = undefined
    }))

  // Rounds are cheap when nothing is due: look at least every minute, so a back-off or an
  // interval another daemon set is noticed without waiting a whole interval.
  const timer = setInterval(() => void round(), Math.min(intervalMs, 60_000))
  timer.unref()
  return {
    tick: round,
    async stop() {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}

async function hasOrigin(repo: NamespaceRepo): Promise<boolean> {
  const {default: git} = await import('isomorphic-git')
  const fs = await import('node:fs')
  const url = (await git
    .getConfig({fs, gitdir: repo.dir, path: 'remote.origin.url'})
    .catch(() => undefined)) as string | undefined
  return typeof url === 'string' && url !== ''
}

async function readSchedule(repo: NamespaceRepo): Promise<Schedule | null> {
  try {
    return JSON.parse(await fsp.readFile(join(repo.dir, SCHEDULE_FILE), 'utf8')) as Schedule
  } catch {
    return null
  }
}

async function writeSchedule(repo: NamespaceRepo, schedule: Schedule): Promise<void> {
  const path = join(repo.dir, SCHEDULE_FILE)
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  await fsp.writeFile(temp, `${JSON.stringify(schedule)}\n`)
  await fsp.rename(temp, path)
}
