/**
 * The app-wide middleware, kept to two functions because every request pays for each
 * one: `observe` (request id, security headers, access log, metrics) and `authentication`
 * (sets `req.context`).
 */
import {randomUUID} from 'node:crypto'

import type {IncomingMessage, ServerResponse} from 'node:http'

import type {RequestHandler} from 'express'
import type {Logger} from 'pino'

import type {RequestContext} from '../registry/types.js'
import type {Metrics} from './metrics.js'
import type {Authenticate} from './types.js'

/** Ids a client may choose: short, printable, no spaces (they end up in logs). */
const REQUEST_ID = /^[\w.:@-]{1,128}$/

/**
 * Until the security work lands, the daemon serves one tenant: every caller is the
 * `local` tenant's admin, like the CLI on its own store.
 */
export const ANONYMOUS_ADMIN: RequestContext = Object.freeze({
  tenant: 'local',
  user: 'anonymous',
  role: 'admin',
})

/** The placeholder authentication hook: everyone is {@link ANONYMOUS_ADMIN}. */
export const authenticateAnonymous: Authenticate = () => ANONYMOUS_ADMIN

/** The request fields the daemon sets; on express's Request and on a bare IncomingMessage alike. */
export type ObservedRequest = IncomingMessage & {
  id?: string
  context?: RequestContext
  routePath?: string
  originalUrl?: string
}

/**
 * Request id in and out, baseline security headers, then one access-log line and the
 * request metrics when the response is done (or the client went away: status 499).
 * Runs once per request, whether the hot path or express answers it.
 *
 * @example
 * ```ts
 * beginRequest(req, res, {logger, metrics})
 * ```
 */
export function beginRequest(
  req: ObservedRequest,
  res: ServerResponse,
  deps: {logger: Logger; metrics?: Metrics | undefined},
): void {
  const start = performance.now()
  const incoming = req.headers['x-request-id']
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID()
  req.id = id
  res.setHeader('X-Request-Id', id)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
  // JSON and archives never need to run anything; /docs sets its own policy.
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'")
  res.once('close', () => {
    const seconds = (performance.now() - start) / 1000
    const status = res.writableFinished ? res.statusCode : 499
    deps.metrics?.observe(req, seconds, status)
    const line = {
      req_id: id,
      method: req.method,
      url: req.originalUrl ?? req.url,
      route: req.routePath,
      status,
      duration_ms: Math.round(seconds * 100_000) / 100,
      tenant: req.context?.tenant,
      user: req.context?.user,
    }
    if (status >= 500) deps.logger.error(line, 'request failed')
    else deps.logger.info(line, 'request')
  })
}

/**
 * {@link beginRequest} as express middleware (a no-op when the hot path already began
 * the request and handed it on).
 *
 * @example
 * ```ts
 * app.use(observe({logger, metrics}))
 * ```
 */
export function observe(deps: {logger: Logger; metrics?: Metrics | undefined}): RequestHandler {
  return (req, res, next) => {
    if (req.id === undefined) beginRequest(req, res, deps)
    next()
  }
}

/**
 * Sets `req.context` from the authentication hook before any router runs.
 *
 * @example
 * ```ts
 * app.use(authentication(authenticateAnonymous))
 * ```
 */
export function authentication(authenticate: Authenticate): RequestHandler {
  return (req, _res, next) => {
    // The hot path may have authenticated the request already before handing it on.
    if (req.context !== undefined) return next()
    let result: RequestContext | Promise<RequestContext>
    try {
      result = authenticate(req)
    } catch (err) {
      next(err)
      return
    }
    // A synchronous hook stays synchronous: no promise and no extra tick on the hot path.
    if (result instanceof Promise) {
      result.then((context) => {
        req.context = context
        next()
      }, next)
      return
    }
    req.context = result
    next()
  }
}
