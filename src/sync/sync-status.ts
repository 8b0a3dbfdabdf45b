/**
 * The recorded outcome of git syncs, per namespace: kept next to the repository
 * (`<namespace>.git/maestro-sync.json`), so every daemon on the same store and every
 * restart sees the same status, and `/health` and `/metrics` can report it.
 */
import {randomBytes} from 'node:crypto'
import {promises as fsp} from 'node:fs'
import {join} from 'node:path'

import {isMaestroError} from '../domain/errors.js'
import type {GitStore, NamespaceRepo} from '../store/index.js'
import {redactUrl, syncNamespace, type SyncOptions, type SyncSummary} from './git-sync.js'

const STATUS_FILE = 'maestro-sync.json'

/** Where one namespace's git sync stands. */
export interface GitSyncStatus {
  namespace: string
  /** The remote last synced with, without credentials. */
  remote: string | null
  /** `running` while a sync is under way (or when one died without recording its end). */
  state: 'running' | 'ok' | 'failed'
  /** ISO times. */
  last_attempt: string
  last_success: string | null
  /** Why the last attempt failed (its code and message); null after a success. */
  error: {code: string; message: string} | null
  /** Commits moved by the last successful sync. */
  fetched: number
  pushed: number
  /** Local `main` after the last successful sync. */
  head: string | null
  /** Successful and failed syncs recorded so far. */
  successes: number
  failures: number
}

/**
 * Reads one namespace's recorded status (null when it was never synced).
 *
 * @example
 * ```ts
 * const status = await readSyncStatus(store.repo('acme'))
 * status?.last_success // '2026-12-01T10:00:00.000Z'
 * ```
 */
export async function readSyncStatus(repo: NamespaceRepo): Promise<GitSyncStatus | null> {
  try {
    return JSON.parse(await fsp.readFile(join(repo.dir, STATUS_FILE), 'utf8')) as GitSyncStatus
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** Every namespace's recorded status, by namespace (only those ever synced). */
export async function readSyncStatuses(store: GitStore): Promise<GitSyncStatus[]> {
  const out: GitSyncStatus[] = []
  for (const namespace of await store.namespaces()) {
    const status = await readSyncStatus(store.repo(namespace)).catch(() => null)
    if (status) out.push(status)
  }
  return out
}

async function writeSyncStatus(repo: NamespaceRepo, status: GitSyncStatus): Promise<void> {
  // Written aside and renamed, so a reader never sees half a file.
  const path = join(repo.dir, STATUS_FILE)
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`
  await fsp.writeFile(temp, `${JSON.stringify(status, null, 2)}\n`)
  await fsp.rename(temp, path)
}

/**
 * {@link syncNamespace}, with its attempt and outcome recorded for `/health` and
 * `/metrics`. The error (if any) is rethrown after it is recorded.
 *
 * @example
 * ```ts
 * const {summary, status} = await recordedSync(store.repo('acme'), {url, policy, auth: authFromEnv()})
 * ```
 */
export async function recordedSync(
  repo: NamespaceRepo,
  options: SyncOptions,
  now: () => Date = () => new Date(),
): Promise<{summary: SyncSummary; status: GitSyncStatus}> {
  await repo.init()
  const previous = await readSyncStatus(repo)
  const base: GitSyncStatus = {
    namespace: repo.namespace,
    remote: options.url ? redactUrl(options.url) : (previous?.remote ?? null),
    state: 'running',
    last_attempt: now().toISOString(),
    last_success: previous?.last_success ?? null,
    error: null,
    fetched: previous?.fetched ?? 0,
    pushed: previous?.pushed ?? 0,
    head: previous?.head ?? null,
    successes: previous?.successes ?? 0,
    failures: previous?.failures ?? 0,
  }
  await writeSyncStatus(repo, base)
  try {
    const summary = await syncNamespace(repo, options)
    const status: GitSyncStatus = {
      ...base,
      state: 'ok',
      remote: summary.remote,
      last_success: now().toISOString(),
      fetched: summary.fetched,
      pushed: summary.pushed,
      head: summary.head,
      successes: base.successes + 1,
    }
    await writeSyncStatus(repo, status)
    return {summary, status}
  } catch (err) {
    const error = isMaestroError(err)
      ? {code: err.code, message: err.message}
      : {code: 'INTERNAL', message: 'the sync failed unexpectedly; see the daemon log'}
    await writeSyncStatus(repo, {...base, state: 'failed', error, failures: base.failures + 1})
    throw err
  }
}
