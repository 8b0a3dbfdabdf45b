/**
 * /api/v1/admin: registry statistics, cache clearing, reindexing and git sync (all admin only).
 */
import {join} from 'node:path'

import express from 'express'
import type {Router} from 'express'

import type {Config} from '../../config.js'
import {UsageError} from '../../domain/errors.js'
import type {AdminStats} from '../../domain/wire.js'
import type {GitSyncStatus} from '../../sync/sync-status.js'
import {defineRoute, mountRoutes} from '../route.js'
import type {RouteSpec} from '../route.js'
import {ref} from '../schemas.js'
import type {RouterDeps} from '../types.js'

const TAG = 'admin'

/** How long a sync waits for another sync (or write) of the same namespace before answering 409. */
const SYNC_LOCK_WAIT_MS = 120_000

/** Body of POST /api/v1/admin/git/sync. */
interface GitSyncRequest {
  remote_url?: string
  pull?: boolean
  push?: boolean
}

/**
 * Every namespace's recorded git sync status, for /health and /metrics.
 *
 * @example
 * ```ts
 * const statuses = await gitSyncStatuses(config) // [{namespace: 'acme', state: 'ok', ...}]
 * ```
 */
export async function gitSyncStatuses(config: Config): Promise<GitSyncStatus[]> {
  const [{GitStore}, {readSyncStatuses}] = await Promise.all([
    import('../../store/index.js'),
    import('../../sync/sync-status.js'),
  ])
  return readSyncStatuses(new GitStore(join(config.home, 'git')))
}

export const ADMIN_ROUTES = (): RouteSpec[] => [
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/stats',
    operationId: 'adminStats',
    summary: 'Counts of templates, versions and namespaces; cache figures; uptime and memory',
    tags: [TAG],
    permission: 'admin',
    responses: {'200': {description: 'Statistics', schema: ref('AdminStats')}},
    handle: async ({registry, deps}): Promise<AdminStats> => {
      const stats = await registry.stats()
      const memory = process.memoryUsage()
      return {
        ...stats,
        ...(deps.responseCache ? {response_cache: deps.responseCache.stats()} : {}),
        ...(deps.events ? {events: await deps.events()} : {}),
        uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000),
        memory: {
          rss: memory.rss,
          heapUsed: memory.heapUsed,
          heapTotal: memory.heapTotal,
          external: memory.external,
        },
      }
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/admin/cache/clear',
    operationId: 'adminClearCache',
    summary: "Empty the registry's cache and the daemon's response cache",
    tags: [TAG],
    permission: 'platform',
    responses: {'200': {description: 'Cleared', schema: ref('CacheCleared')}},
    handle: async ({registry, deps}) => {
      await registry.clearCache()
      deps.responseCache?.clear()
      return {cleared: true}
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/admin/reindex',
    operationId: 'adminReindex',
    summary: 'Rebuild the index from the git repositories (what `maestro-tpl reindex` does)',
    tags: [TAG],
    permission: 'platform',
    responses: {'200': {description: 'What was indexed, per namespace', schema: ref('ReindexResult')}},
    handle: ({registry}) => registry.reindex(),
  }),
  defineRoute<Record<string, string>, Record<string, unknown>, GitSyncRequest>({
    method: 'post',
    path: '/api/v1/admin/git/sync',
    operationId: 'adminGitSync',
    summary: "Admin only: pull and push the caller's tenant repository with its git remote",
    description:
      "Admin only. Syncs the git repository of the caller's tenant with a remote over HTTP(S), fast-forward only " +
      '(what `maestro-tpl sync` does): `remote_url` or the remembered origin; credentials come from the ' +
      "daemon's MAESTRO_GIT_TOKEN (or MAESTRO_GIT_USERNAME/MAESTRO_GIT_PASSWORD), never from the request. " +
      'Remotes on loopback, private, link-local and other non-public addresses are refused (422 ' +
      'SYNC_REMOTE_NOT_ALLOWED) unless MAESTRO_SYNC_ALLOWED_HOSTS or MAESTRO_SYNC_ALLOW_PRIVATE allow them. ' +
      'A diverged history answers 409 SYNC_DIVERGED and changes nothing; a remote that cannot be reached or ' +
      'refuses answers 502 SYNC_REMOTE_FAILED. Syncs of one namespace run one at a time. The outcome is ' +
      'recorded and shown by GET on this path, /health and /metrics.',
    tags: [TAG],
    permission: 'platform',
    body: {schema: ref('GitSyncRequest'), optional: true, size: 'json'},
    responses: {'200': {description: 'What moved', schema: ref('GitSyncResult')}},
    handle: async ({req, deps, body}) => {
      const [{GitStore}, {authFromEnv}, {remotePolicy}, {recordedSync}] = await Promise.all([
        import('../../store/index.js'),
        import('../../sync/git-sync.js'),
        import('../../sync/remote-policy.js'),
        import('../../sync/sync-status.js'),
      ])
      const url = body.remote_url
      if (url !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) {
        throw new UsageError(
          'remote_url must not carry credentials: the daemon sends its own (MAESTRO_GIT_TOKEN, or MAESTRO_GIT_USERNAME and MAESTRO_GIT_PASSWORD)',
        )
      }
      const namespace = req.context.tenant
      // The registry's store takes the namespace lock shared by every daemon (PostgreSQL or Redis).
      const store = (deps.registry as {store?: InstanceType<typeof GitStore>}).store
      const repo = (store ?? new GitStore(join(deps.config.home, 'git'))).repo(namespace)
      const reconcile = (deps.registry as {reconcile?: () => Promise<void>}).reconcile?.bind(deps.registry)
      try {
        const {summary, status} = await recordedSync(repo, {
          ...(url === undefined ? {} : {url}),
          ...(body.pull === undefined ? {} : {pull: body.pull}),
          ...(body.push === undefined ? {} : {push: body.push}),
          auth: authFromEnv(),
          // A daemon must not become a proxy into its own network: private addresses only when configured.
          policy: remotePolicy(deps.config, {allowPrivateByDefault: false}),
          lockTimeoutMs: SYNC_LOCK_WAIT_MS,
          afterPull: async () => {
            await reconcile?.()
            deps.responseCache?.clear()
          },
        })
        deps.metrics?.countGitSync('ok')
        deps.logger.info(
          {namespace, remote: summary.remote, fetched: summary.fetched, pushed: summary.pushed},
          'git sync',
        )
        return {...summary, status}
      } catch (err) {
        deps.metrics?.countGitSync('failed')
        throw err
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/git/sync',
    operationId: 'adminGitSyncStatus',
    summary: "Admin only: the recorded git sync status of the caller's tenant repository",
    description:
      'Admin only. The last attempt, last success, error and commits moved; `status` is null until the first sync.',
    tags: [TAG],
    permission: 'platform',
    responses: {'200': {description: 'Sync status', schema: ref('GitSyncStatusResponse')}},
    handle: async ({req, deps}) => {
      const [{GitStore}, {readSyncStatus}] = await Promise.all([
        import('../../store/index.js'),
        import('../../sync/sync-status.js'),
      ])
      const namespace = req.context.tenant
      const status = await readSyncStatus(new GitStore(join(deps.config.home, 'git')).repo(namespace))
      return {namespace, status}
    },
  }),
]

/**
 * The admin resource.
 *
 * @example
 * ```ts
 * app.use(adminRouter(deps))
 * ```
 */
export function adminRouter(deps: RouterDeps): Router {
  return mountRoutes(express.Router(), ADMIN_ROUTES(), deps, deps.validators)
}
