/**
 * The express application of the daemon, built from its dependencies so tests start one
 * per scenario with their own registry, config and limits.
 */
import express from 'express'
import type {Express, Request} from 'express'

import {RateLimiter} from '../auth/rate-limit.js'
import {CATEGORIES} from '../domain/manifest.js'
import {IN_PROCESS} from '../sandbox/host.js'
import type {CacheStats} from '../cache/cache.js'
import {Metrics} from './metrics.js'
import {authentication, authenticateAnonymous, observe} from './middleware.js'
import {buildOpenApi} from './openapi.js'
import {errorHandler, notFound} from './problem.js'
import {methodsForPath} from './route.js'
import {
  adminRouter,
  allRoutes,
  authRouter,
  qualityRouter,
  systemRouter,
  templatesRouter,
  projectsRouter,
  workflowsRouter,
} from './routes/index.js'
import {apiComponents} from './schemas.js'
import type {AppDeps, DaemonRegistry, RouterDeps} from './types.js'
import {DEFAULT_LIMITS} from '../config.js'
import {Validators} from './validation.js'
import {gitSyncStatuses} from './routes/admin.js'
import {webRouter} from '../web/router.js'

/**
 * Builds the app: observe → authenticate → routers (templates first: it holds the hot
 * route) → 404/405 → the problem+json error handler.
 *
 * @example
 * ```ts
 * const registry = await openLocalRegistry({config, context: DAEMON_CONTEXT})
 * const app = createApp({registry, config, logger: pino(), version: '0.1.0'})
 * app.listen(8005)
 * ```
 */
export function createApp(deps: AppDeps): Express {
  const limits = {...DEFAULT_LIMITS, ...deps.limits}
  const metrics = deps.metrics ?? new Metrics()
  const monitor = deps.config.enablePerformanceMonitoring
  const routerDeps: RouterDeps = {
    registry: deps.registry,
    registryFor: (req: Request): DaemonRegistry => deps.registry.withContext(req.context),
    config: deps.config,
    logger: deps.logger,
    version: deps.version,
    limits,
    metrics,
    responseCache: deps.responseCache,
    redis:
      deps.redis ??
      (async () => ({status: deps.config.redisUrl ? 'configured' : 'not configured', latency_ms: null})),
    events: deps.events,
    startedAt: Date.now(),
    validators: new Validators(apiComponents(limits.listMax)),
    auth: deps.auth,
    loginLimiter: new RateLimiter({limit: limits.loginAttempts, windowMs: 60_000}),
    renderHost: deps.renderHost ?? IN_PROCESS,
    workflows: deps.workflows,
  }
  metrics.setSources({
    templatesByCategory: () => templatesByCategory(deps.registry),
    cacheStats: async () => {
      const out: Record<string, CacheStats> = {registry: (await deps.registry.stats()).cache}
      if (deps.responseCache) out.response = deps.responseCache.stats()
      return out
    },
    ...(deps.events ? {eventStats: deps.events} : {}),
    gitSyncStatuses: () => gitSyncStatuses(deps.config),
  })

  let document: string | undefined
  const routes = allRoutes(limits.listMax)
  const openapi = () =>
    (document ??= JSON.stringify(buildOpenApi(routes, {version: deps.version, listMax: limits.listMax})))

  const app = express()
  app.disable('x-powered-by')
  // Our JSON answers carry their own ETag where it pays (cached reads); hashing every body would not.
  app.set('etag', false)
  app.set('query parser', 'simple')
  app.use(observe({logger: deps.logger, metrics: monitor ? metrics : undefined}))
  app.use(authentication(deps.authenticate ?? authenticateAnonymous))
  app.use(templatesRouter(routerDeps))
  app.use(projectsRouter(routerDeps))
  app.use(qualityRouter(routerDeps))
  app.use(authRouter(routerDeps))
  app.use(adminRouter(routerDeps))
  app.use(workflowsRouter(routerDeps))
  app.use(systemRouter(routerDeps, openapi))
  // The web catalog (src/web/): pages at /, after the API so it never shadows a route.
  app.use(webRouter(routerDeps))
  app.use(notFound(methodsForPath(routes)))
  app.use(errorHandler({logger: deps.logger, metrics: monitor ? metrics : undefined}))
  return app
}

/** Templates per category: the registry's own count when it has one, else one search per category. */
async function templatesByCategory(registry: DaemonRegistry): Promise<Record<string, number>> {
  const stats = await registry.stats()
  const out: Record<string, number> = {}
  // Every category gets a series, 0 included: a category emptied out must read 0, not vanish.
  for (const category of CATEGORIES) {
    out[category] = stats.categories
      ? (stats.categories[category] ?? 0)
      : (await registry.search({category, limit: 1, exactTotal: true})).total
  }
  return {...stats.categories, ...out}
}
