/**
 * The app-wide middleware, kept to two functions because every request pays for each
 * one: `observe` (request id, security headers, access log, metrics) and `authentication`
 * (sets `req.context`).
 */
import {randomUUID} from 'node:crypto'

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

/**
 * Request id in and out, baseline security headers, then one access-log line and the
 * request metrics when the response is done (or the client went away: status 499).
 *
 * @example
 * ```ts
 * app.use(observe({logger, metrics}))
 * ```
 */
export function observe(deps: {logger: Logger; metrics?: Metrics | undefined}): RequestHandler {
  const {logger, metrics} = deps
  return (req, res, next) => {
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
      metrics?.observe(req, res, seconds, status)
      const line = {
        req_id: id,
        method: req.method,
        url: req.originalUrl,
        route: req.routePath,
        status,
        duration_ms: Math.round(seconds * 100_000) / 100,
        tenant: req.context?.tenant,
        user: req.context?.user,
      }
      if (status >= 500) logger.error(line, 'request failed')
      else logger.info(line, 'request')
    })
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
