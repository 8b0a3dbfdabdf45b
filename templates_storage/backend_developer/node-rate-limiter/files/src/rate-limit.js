/**
 * Rate limiting for node:http servers and Connect/Express-style middleware stacks:
 * {{ limit }} requests per {{ window_seconds }} s per {% if key == 'api-key' %}API key (`{{ api_key_header }}` header; the client IP when it is missing){% else %}client IP{% endif %}, counted by
 * {{ algorithm }}. Refused requests get 429 with Retry-After and an RFC 9457
 * problem+json body; every answer carries the {% if header_style == 'ietf' %}RateLimit-Policy and RateLimit headers
 * (IETF httpapi rate-limit headers draft){% else %}X-RateLimit-Limit, -Remaining and -Reset headers{% endif %}.
 */
{%- if key == 'api-key' %}
import {createHash} from 'node:crypto'
{%- endif %}

import {consume} from './algorithm.js'
import {MemoryStore} from './memory-store.js'

export const DEFAULTS = Object.freeze({
  limit: {{ limit }},
  windowMs: {{ window_seconds | times: 1000 }},
  policy: 'default',
  // Proxies in front of the server that append to X-Forwarded-For (0: use the socket's address).
  trustedProxies: 0,
})

/**
 * The client's address: the socket's peer, or, behind `trustedProxies` proxies, the
 * address the outermost of them saw. Entries a client wrote into X-Forwarded-For itself
 * come first in the list and are never used.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} trustedProxies
 */
export function clientIp(req, trustedProxies) {
  let ip = req.socket.remoteAddress ?? 'unknown'
  if (trustedProxies > 0) {
    const header = req.headers['x-forwarded-for']
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    if (hops.length >= trustedProxies) ip = hops[hops.length - trustedProxies]
  }
  // One client, one key: IPv4 clients of a dual-stack socket show as ::ffff:a.b.c.d.
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip
}
{%- if key == 'api-key' %}

/**
 * The key a request is counted under: its API key, hashed so that no credential is kept
 * in memory or in a shared store; requests without one share their IP's limit.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} trustedProxies
 */
export function requestKey(req, trustedProxies) {
  let apiKey = req.headers['{{ api_key_header }}']
  if (Array.isArray(apiKey)) apiKey = apiKey[0]
{%- if api_key_header == 'authorization' %}
  apiKey = apiKey?.replace(/^Bearer\s+/i, '')
{%- endif %}
  if (!apiKey) return `ip:${clientIp(req, trustedProxies)}`
  return `key:${createHash('sha256').update(apiKey).digest('hex').slice(0, 32)}`
}
{%- else %}

/**
 * The key a request is counted under: its client IP.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} trustedProxies
 */
export function requestKey(req, trustedProxies) {
  return `ip:${clientIp(req, trustedProxies)}`
}
{%- endif %}

/**
 * @typedef {object} Decision
 * @property {boolean} allowed
 * @property {number} limit
 * @property {number} remaining
 * @property {number} resetSeconds seconds until the client's full budget is back
 * @property {number} retryAfterSeconds 0 when allowed
 */

/**
 * @param {object} [options]
 * @param {number} [options.limit]
 * @param {number} [options.windowMs]
 * @param {string} [options.policy] name of the policy in the RateLimit headers
 * @param {number} [options.trustedProxies]
 * @param { {update: Function, sweep?: () => number} } [options.store] defaults to a MemoryStore
 * @param {() => number} [options.now] clock, for tests
 * @param {(req: import('node:http').IncomingMessage) => boolean} [options.skip] requests never counted (health checks)
 * @param {(req: import('node:http').IncomingMessage, trustedProxies: number) => string} [options.keyOf]
 */
export function createRateLimiter(options = {}) {
  const config = {...DEFAULTS, ...options}
  if (!Number.isInteger(config.limit) || config.limit < 1) throw new RangeError('limit must be a positive integer')
  if (!(config.windowMs > 0)) throw new RangeError('windowMs must be positive')
  const now = config.now ?? Date.now
  const store = config.store ?? new MemoryStore({now})
  const keyOf = config.keyOf ?? requestKey
  const skip = config.skip ?? (() => false)
  // Expired entries are dropped in the background; unref: the timer never keeps a process alive.
  const sweeper = store.sweep ? setInterval(() => store.sweep(), Math.min(config.windowMs, 60_000)) : undefined
  sweeper?.unref()

  /**
   * Counts one request of `key`.
   * @param {string} key
   * @returns {Promise<Decision>}
   */
  async function take(key) {
    const result = await store.update(key, (state) => consume(state, now(), config))
    return {
      allowed: result.allowed,
      limit: config.limit,
      remaining: result.remaining,
      resetSeconds: Math.ceil(result.resetMs / 1000),
      retryAfterSeconds: Math.ceil(result.retryAfterMs / 1000),
    }
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {Decision} decision
   */
  function setHeaders(res, decision) {
{%- if header_style == 'ietf' %}
    res.setHeader('RateLimit-Policy', `"${config.policy}";q=${config.limit};w=${Math.ceil(config.windowMs / 1000)}`)
    res.setHeader('RateLimit', `"${config.policy}";r=${decision.remaining};t=${decision.resetSeconds}`)
{%- else %}
    res.setHeader('X-RateLimit-Limit', String(config.limit))
    res.setHeader('X-RateLimit-Remaining', String(decision.remaining))
    // Epoch seconds, as GitHub's API sends it.
    res.setHeader('X-RateLimit-Reset', String(Math.ceil(now() / 1000) + decision.resetSeconds))
{%- endif %}
  }

  /**
   * For plain node:http: counts the request, sets the headers and, when it is over the
   * limit, answers 429 itself. Returns whether the handler should go on.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(req, res) {
    if (skip(req)) return true
    const decision = await take(keyOf(req, config.trustedProxies))
    setHeaders(res, decision)
    if (decision.allowed) return true
    res.statusCode = 429
    res.setHeader('Retry-After', String(decision.retryAfterSeconds))
    res.setHeader('Content-Type', 'application/problem+json')
    res.end(
      JSON.stringify({
        type: 'about:blank',
        title: 'Too Many Requests',
        status: 429,
        detail: `More than ${config.limit} requests in ${Math.ceil(config.windowMs / 1000)} s; retry in ${decision.retryAfterSeconds} s.`,
      }),
    )
    return false
  }

  /**
   * Connect/Express middleware. A store failure is passed to `next` (the app decides
   * whether to fail open or closed).
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {(err?: unknown) => void} next
   */
  function middleware(req, res, next) {
    handle(req, res).then((go) => {
      if (go) next()
    }, next)
  }

  return Object.assign(middleware, {take, handle, store, close: () => clearInterval(sweeper)})
}
