/**
 * Outside /api/v1: /health, /metrics (Prometheus), /openapi.json and /docs (Swagger UI,
 * served from the swagger-ui-dist package so it loads with no internet access).
 */
import type {ServerResponse} from 'node:http'
import {createRequire} from 'node:module'
import {dirname} from 'node:path'

import express from 'express'
import type {RequestHandler, Router} from 'express'

import type {ProbeAnswer} from '../../db/probe.js'
import type {HealthStatus} from '../../domain/wire.js'
import {defineRoute, mountRoutes, sendBody} from '../route.js'
import type {RouteSpec} from '../route.js'
import {ref} from '../schemas.js'
import type {RouterDeps} from '../types.js'
import {parseDbUrl} from '../../db/database.js'
import {gitSyncStatuses} from './admin.js'
import {failureReason} from '../problem.js'

const TAG = 'system'

/** Swagger UI needs its own styles inline; everything else comes from this origin only. */
export const DOCS_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'"

const DOCS_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>maestro-tpl API</title>
    <link rel="stylesheet" type="text/css" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/maestro-docs.js" charset="UTF-8"></script>
  </body>
</html>
`

// An external script rather than an inline one, so the page works under a CSP without 'unsafe-inline' scripts.
const DOCS_INIT = `window.onload = function () {
  window.ui = SwaggerUIBundle({url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null});
};
`

function sendDocsPage(res: ServerResponse): void {
  sendBody(res, 200, 'text/html; charset=utf-8', DOCS_HTML, {
    cacheControl: 'no-cache',
    headers: {'Content-Security-Policy': DOCS_CSP},
  })
}

/**
 * How long /health waits for the database through the pool (the template count). Past
 * it, the probe on a connection of its own (src/db/probe.ts) tells a busy pool from a
 * database that is down; both fit in /health's second.
 */
const POOL_HEALTH_MS = 750
const PROBE_HEALTH_MS = 900

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer from ${what} within ${ms} ms`)), ms)
  })
  promise.catch(() => {})
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

class DeadlineError extends Error {}

/**
 * Checks the registry's database and Redis. 503 only when the database is down: it
 * fails, refuses the probe's connection, or stays silent on it for 10 s. `degraded` when Redis is down,
 * when the pool is too busy to count templates within POOL_HEALTH_MS while the probe
 * answers (database `busy: <why>`), or when a namespace's git holds changes the index
 * cannot take.
 */
async function health(deps: RouterDeps): Promise<{healthy: boolean; status: HealthStatus}> {
  // All at once: each has its own deadline, and /health must answer within a second.
  const [db, probe, cache, conflicts] = await Promise.allSettled([
    within(deps.registry.stats(), POOL_HEALTH_MS, 'the database pool'),
    // Bounded by the probe itself: connecting and the answer share PROBE_HEALTH_MS.
    deps.registry.probeDatabase(PROBE_HEALTH_MS),
    deps.redis(),
    within(deps.registry.indexConflicts?.() ?? Promise.resolve([]), POOL_HEALTH_MS, 'the database pool'),
  ])
  const database = databaseState(db, probe)
  const count = db.status === 'fulfilled' ? db.value.templates : null
  const redis =
    cache.status === 'fulfilled' ? cache.value.status : `unavailable: ${failureReason(cache.reason)}`
  const latency =
    cache.status === 'fulfilled' && cache.value.latency_ms !== null
      ? Math.round(cache.value.latency_ms * 1000) / 1000
      : null
  // Without Redis the daemon still answers everything from the database (the cache is
  // bypassed) and only the event consumers wait: degraded, not down, so a load balancer
  // does not take every daemon out at once.
  const healthy = !database.startsWith('unavailable')
  // A namespace in index conflict is served as last indexed and refuses writes; the others are whole.
  const indexConflicts: NonNullable<HealthStatus['index_conflicts']> = {}
  for (const {namespace, commit, path, reason} of conflicts.status === 'fulfilled' ? conflicts.value : [])
    (indexConflicts[namespace] ??= []).push({commit, path, reason})
  const conflicted = Object.keys(indexConflicts).length > 0
  const degraded = healthy && (database !== 'connected' || redis.startsWith('unavailable') || conflicted)
  // A failed git sync is shown, not counted against health: serving templates does not depend on it.
  const gitSync: NonNullable<HealthStatus['git_sync']> = {}
  for (const s of await gitSyncStatuses(deps.config).catch(() => []))
    gitSync[s.namespace] = {state: s.state, last_attempt: s.last_attempt, last_success: s.last_success}
  return {
    healthy,
    status: {
      status: !healthy ? 'unhealthy' : degraded ? 'degraded' : 'healthy',
      service: 'maestro-tpl',
      version: deps.version,
      database,
      database_kind: parseDbUrl(deps.config.databaseUrl).dialect,
      redis,
      redis_latency_ms: latency,
      templates_count: count,
      uptime_seconds: Math.round((Date.now() - deps.startedAt) / 1000),
      ...(conflicted ? {index_conflicts: indexConflicts} : {}),
      ...(Object.keys(gitSync).length > 0 ? {git_sync: gitSync} : {}),
    },
  }
}

/**
 * `connected`; `busy: <why>` when the pool gave no answer in time but the database is
 * there: it answered on the probe's own connection, or is connected and slow (starved of
 * CPU, say), or (SQLite, which has no probe) merely took longer; `unavailable: <why>`
 * when a query failed, or the database refused the probe or stayed silent on it for 10 s.
 */
function databaseState(
  pooled: PromiseSettledResult<unknown>,
  probe: PromiseSettledResult<ProbeAnswer | null>,
): string {
  if (pooled.status === 'fulfilled') return 'connected'
  if (probe.status === 'rejected') return `unavailable: ${failureReason(probe.reason)}`
  // The pooled query failed by itself (not our deadline): the database said no.
  if (!(pooled.reason instanceof DeadlineError)) return `unavailable: ${failureReason(pooled.reason)}`
  const busy = `busy: ${failureReason(pooled.reason)}`
  if (probe.value?.state === 'up') return `${busy}; the database answers on a connection of its own`
  if (probe.value?.state === 'slow')
    return `${busy}; the database is slow (no answer for ${(probe.value.silentMs / 1000).toFixed(1)} s on a connection of its own)`
  return busy
}

export const SYSTEM_ROUTES = (document: () => string): RouteSpec[] => [
  defineRoute({
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Liveness and dependencies: database, Redis, template count',
    tags: [TAG],
    permission: 'none',
    responses: {
      '200': {description: 'Healthy', schema: ref('Health')},
      '503': {
        description:
          'The database is down (`unhealthy`; a busy pool is `degraded`, 200), or the daemon is still starting (`starting`, with `progress`)',
        schema: ref('Health'),
      },
    },
    handle: async ({res, deps}) => {
      const {healthy, status} = await health(deps)
      res.statusCode = healthy ? 200 : 503
      return status
    },
  }),
  defineRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary:
      'Prometheus metrics: request rate, latency, errors, templates by category, cache hit ratio, git sync',
    tags: [TAG],
    permission: 'none',
    responses: {
      '200': {description: 'Prometheus text exposition format', content: {'text/plain': {type: 'string'}}},
    },
    handle: async ({res, deps}) => {
      const metrics = deps.metrics
      const text = metrics ? await metrics.render() : ''
      sendBody(res, 200, metrics?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8', text)
      return undefined
    },
  }),
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: [TAG],
    permission: 'none',
    responses: {'200': {description: 'The OpenAPI document', schema: {type: 'object'}}},
    handle: ({res}) => {
      sendBody(res, 200, 'application/json; charset=utf-8', document(), {cacheControl: 'no-cache'})
      return undefined
    },
  }),
  defineRoute({
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Interactive API documentation (Swagger UI, served locally)',
    tags: [TAG],
    permission: 'none',
    responses: {'200': {description: 'The documentation page', content: {'text/html': {type: 'string'}}}},
    handle: ({res}) => {
      sendDocsPage(res)
      return undefined
    },
  }),
]

/**
 * The static files of /docs (Swagger UI's bundle and styles, and our initializer).
 * Not API routes: middleware, like any static folder.
 */
export function docsAssets(): RequestHandler {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/absolute-path.js'))
  const assets = express.static(dir, {index: false, maxAge: '1d', fallthrough: true})
  return (req, res, next) => {
    if (req.path === '/maestro-docs.js') {
      sendBody(res, 200, 'text/javascript; charset=utf-8', DOCS_INIT, {
        cacheControl: 'no-cache',
        headers: {'Content-Security-Policy': DOCS_CSP},
      })
      return
    }
    if (req.path === '/' || req.path === '') return sendDocsPage(res)
    res.setHeader('Content-Security-Policy', DOCS_CSP)
    assets(req, res, next)
  }
}

/**
 * Health, metrics, the OpenAPI document and the docs page.
 *
 * @example
 * ```ts
 * app.use(systemRouter(deps, () => JSON.stringify(buildOpenApi(routes))))
 * ```
 */
export function systemRouter(deps: RouterDeps, document: () => string): Router {
  const router = mountRoutes(express.Router(), SYSTEM_ROUTES(document), deps, deps.validators)
  router.use('/docs', docsAssets())
  return router
}
