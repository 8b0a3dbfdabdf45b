/**
 * The hot path: repeated reads of a template (`GET /api/v1/templates/{id}`, and
 * `/versions/{version}`) answered from the response cache before express runs.
 *
 * Express's own routing costs several times what node:http does per request; a cache
 * hit needs none of it. The hot path still does everything the app does for every
 * request (request id, security headers, authentication, access log, metrics) with the
 * same functions, and writes the same bytes and headers as the express route would.
 * Anything else, or a miss, goes to express, with the work already done noted on the
 * request so nothing runs twice.
 */
import type {IncomingMessage, RequestListener, ServerResponse} from 'node:http'

import type {Logger} from 'pino'

import type {RequestContext} from '../registry/types.js'
import type {Metrics} from './metrics.js'
import {beginRequest} from './middleware.js'
import type {ObservedRequest} from './middleware.js'
import {sendCached} from './response-cache.js'
import type {ResponseCache} from './response-cache.js'
import type {Authenticate} from './types.js'

/** Every cached route lives under this prefix. */
const PREFIX = '/api/v1/templates/'

type HotRequest = ObservedRequest & {hotCacheGeneration?: number}

/**
 * Wraps the express app into the server's request listener.
 *
 * @example
 * ```ts
 * const server = createServer(withHotPath(app, {responseCache, authenticate, logger, metrics}))
 * ```
 */
export function withHotPath(
  app: (req: IncomingMessage, res: ServerResponse) => void,
  deps: {
    responseCache: ResponseCache
    authenticate: Authenticate
    logger: Logger
    metrics?: Metrics | undefined
  },
): RequestListener {
  const {responseCache: cache, authenticate} = deps
  return (req: HotRequest, res) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.url?.startsWith(PREFIX)) return app(req, res)
    beginRequest(req, res, deps)
    let context: RequestContext | Promise<RequestContext>
    try {
      context = authenticate(req)
    } catch {
      // Express runs authentication again and answers with the problem it raises.
      return app(req, res)
    }
    const serve = async (resolved: RequestContext) => {
      req.context = resolved
      const hit = await cache.lookup(resolved, req.url!)
      if (!hit) {
        // Noted after the lookup (which may have invalidated), before the registry reads.
        req.hotCacheGeneration = cache.generation
        return app(req, res)
      }
      req.routePath = hit.route
      sendCached(req, res, hit)
    }
    Promise.resolve(context)
      .then(serve, () => app(req, res))
      .catch(() => {
        if (!res.headersSent) app(req, res)
      })
  }
}
