/**
 * /api/v1/admin: registry statistics, cache clearing, reindexing and git sync.
 */
import express from 'express'
import type {Router} from 'express'

import {defineRoute, mountRoutes} from '../route.js'
import type {RouteSpec} from '../route.js'
import {NotImplementedError} from '../problem.js'
import {ref} from '../schemas.js'
import type {RouterDeps} from '../types.js'

const TAG = 'admin'

export const ADMIN_ROUTES = (): RouteSpec[] => [
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/stats',
    operationId: 'adminStats',
    summary: 'Counts of templates, versions and namespaces; cache figures; uptime and memory',
    tags: [TAG],
    permission: 'admin',
    responses: {'200': {description: 'Statistics', schema: ref('AdminStats')}},
    handle: async ({registry, deps}) => {
      const stats = await registry.stats()
      const memory = process.memoryUsage()
      return {
        ...stats,
        ...(deps.responseCache ? {response_cache: deps.responseCache.stats()} : {}),
        ...(deps.events ? {events: deps.events()} : {}),
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
  defineRoute({
    method: 'post',
    path: '/api/v1/admin/git/sync',
    operationId: 'adminGitSync',
    summary: 'Pull template repositories from their git remotes (not available yet: answers 501)',
    tags: [TAG],
    permission: 'platform',
    responses: {},
    handle: () => {
      throw new NotImplementedError(
        'git sync is not available yet: mirroring template repositories from git remotes comes with the sync feature. Until then, publish templates with POST /api/v1/templates or `maestro-tpl create`; nothing was changed.',
        {feature: 'git-sync'},
      )
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
