/**
 * Errors as RFC 9457 problem documents (`application/problem+json`): one error
 * middleware turns every failure into `{type, title, status, detail, instance, code,
 * ...data}`. Domain errors keep their code and status; a caller's mistake (bad JSON, a
 * body too large, a failed schema) is a 4xx; only our own bugs are a 500, answered with
 * a generic detail and logged with the stack.
 */
import {STATUS_CODES} from 'node:http'

import type {ErrorRequestHandler, Request, RequestHandler, Response} from 'express'
import type {Logger} from 'pino'

import {AuthenticationError, RateLimitedError} from '../auth/errors.js'
import type {Problem} from '../domain/wire.js'
import {MaestroError, isMaestroError} from '../domain/errors.js'
import {isDatabaseUnavailable} from '../db/retry.js'
import type {Metrics} from './metrics.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/** Where problem types are documented; the `type` URIs identify, they need not resolve. */
const PROBLEM_BASE = 'https://maestro-tpl.dev/problems/'

/** One entry of a VALIDATION_ERROR problem's `errors` list. */
export interface FieldError {
  /** Which part of the request: path, query or body. */
  in: 'path' | 'query' | 'body'
  /** JSON pointer inside that part ('' for the whole of it). */
  pointer: string
  message: string
}

/** The request does not match its schema (body, query or path parameters). */
export class RequestValidationError extends MaestroError {
  static readonly code = 'VALIDATION_ERROR'
  constructor(errors: FieldError[]) {
    const first = errors[0]
    const where = first ? `${first.in}${first.pointer ? ` ${first.pointer}` : ''}` : 'request'
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''
    super(`invalid request: ${where} ${first?.message ?? 'is invalid'}${more}`, {
      code: RequestValidationError.code,
      status: 400,
      exitCode: 2,
      data: {errors},
    })
  }
}

/** The endpoint exists in the API but its feature has not landed yet. */
export class NotImplementedError extends MaestroError {
  static readonly code = 'NOT_IMPLEMENTED'
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message, {code: NotImplementedError.code, status: 501, data})
  }
}

export class UnsupportedMediaTypeError extends MaestroError {
  static readonly code = 'UNSUPPORTED_MEDIA_TYPE'
  constructor(got: string | undefined, accepted: string[]) {
    super(
      `this endpoint takes ${accepted.join(' or ')}, not ${got ? JSON.stringify(got) : 'a body without Content-Type'}`,
      {
        code: UnsupportedMediaTypeError.code,
        status: 415,
        data: {accepted},
      },
    )
  }
}

export class MethodNotAllowedError extends MaestroError {
  static readonly code = 'METHOD_NOT_ALLOWED'
  readonly allow: string[]
  constructor(method: string, path: string, allow: string[]) {
    super(`${method} is not allowed on ${path}; use ${allow.join(', ')}`, {
      code: MethodNotAllowedError.code,
      status: 405,
      data: {allow},
    })
    this.allow = allow
  }
}

export class RouteNotFoundError extends MaestroError {
  static readonly code = 'ROUTE_NOT_FOUND'
  constructor(method: string, path: string) {
    super(`no endpoint ${method} ${path}; the API is described at /openapi.json and /docs`, {
      code: RouteNotFoundError.code,
      status: 404,
      data: {method, path},
    })
  }
}

const TITLES: Record<string, string> = {
  NOT_FOUND: 'Not found',
  ROUTE_NOT_FOUND: 'No such endpoint',
  ALREADY_EXISTS: 'Already exists',
  INVALID_TEMPLATE: 'Invalid template',
  INVALID_ANSWERS: 'Invalid answers',
  MISSING_ANSWERS: 'Missing answers',
  UNSAFE_PATH: 'Unsafe path',
  NAME_COLLISION: 'Names collide on other systems',
  RENDER_ERROR: 'Render error',
  RENDER_LIMIT_EXCEEDED: 'Render limit exceeded',
  SERVER_BUSY: 'Server busy',
  INVALID_VERSION: 'Invalid version',
  VERSION_EXISTS: 'Version already published',
  QUALITY_GATE_FAILED: 'Quality gate failed',
  USAGE_ERROR: 'Bad request',
  LIMIT_EXCEEDED: 'Limit exceeded',
  CONFLICT: 'Conflict',
  FORBIDDEN: 'Forbidden',
  VALIDATION_ERROR: 'Request validation failed',
  INVALID_JSON: 'Malformed JSON',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  NOT_IMPLEMENTED: 'Not implemented',
  INTERNAL: 'Internal server error',
  DATABASE_UNAVAILABLE: 'Database unavailable',
}

/** Members a problem's extensions may not overwrite. */
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'request_id'])

/**
 * The problem document for a domain error.
 *
 * @example
 * ```ts
 * toProblem(new NotFoundError('template', 'x'), '/api/v1/templates/x')
 * // {type: 'https://maestro-tpl.dev/problems/not-found', title: 'Not found', status: 404,
 * //  detail: 'template "x" not found', instance: '/api/v1/templates/x', code: 'NOT_FOUND', kind: 'template', ref: 'x'}
 * ```
 */
export function toProblem(err: MaestroError, instance?: string, requestId?: string): Problem {
  const problem: Problem = {
    type: PROBLEM_BASE + err.code.toLowerCase().replace(/_/g, '-'),
    title: TITLES[err.code] ?? STATUS_CODES[err.status] ?? 'Error',
    status: err.status,
    detail: err.message,
    ...(instance === undefined ? {} : {instance}),
    code: err.code,
    ...(requestId === undefined ? {} : {request_id: requestId}),
  }
  for (const [key, value] of Object.entries(err.data)) if (!RESERVED.has(key)) problem[key] = value
  return problem
}

export function sendProblem(res: Response, problem: Problem): void {
  const body = JSON.stringify(problem)
  res.statusCode = problem.status
  res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE)
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.setHeader('Cache-Control', 'no-store')
  res.end(body)
}

/**
 * Why a call failed (Redis, the database), as one line that is never empty (some client errors have no
 * message): what /health shows after "unavailable: ".
 *
 * @example
 * ```ts
 * failureReason(new Error('')) // 'Error (no message)'
 * ```
 */
export function failureReason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as {code?: unknown}).code
    const message = err.message.trim()
    if (message) return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message
    // node-redis's TimeoutError has neither a message nor a name of its own: its class says it.
    const kind = err.name !== 'Error' ? err.name : err.constructor?.name || 'Error'
    return typeof code === 'string' ? `${kind} ${code}` : `${kind} (no message)`
  }
  // Whatever was thrown that is not an Error: print it as JavaScript does.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  const text = String(err ?? '').trim()
  return text || 'unknown failure'
}

/** Seconds a client is asked to wait after a database outage answer. */
export const DATABASE_RETRY_AFTER_S = 5

/**
 * 503 DATABASE_UNAVAILABLE, with Retry-After: the database could not serve the request
 * (down, restarting, unreachable, out of connections, locked). The reason is kept for the
 * log; the answer names the condition, not the driver's message.
 */
export class DatabaseUnavailableError extends MaestroError {
  static readonly code = 'DATABASE_UNAVAILABLE'
  constructor(cause: unknown) {
    super(`the database is unavailable (${failureReason(cause)}); retry in a few seconds`, {
      code: DatabaseUnavailableError.code,
      status: 503,
      data: {retryAfter: DATABASE_RETRY_AFTER_S},
      cause,
    })
  }
}

/** body-parser's error types, as the caller's mistakes they are. */
function fromBodyParser(err: {
  type?: string
  status?: number
  limit?: number
  message: string
}): MaestroError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new MaestroError(`the body is not valid JSON: ${err.message}`, {
        code: 'INVALID_JSON',
        status: 400,
        exitCode: 2,
      })
    case 'entity.too.large':
      return new MaestroError(`the body is larger than this endpoint accepts (${err.limit} bytes)`, {
        code: 'LIMIT_EXCEEDED',
        status: 413,
        data: {limit: err.limit},
      })
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new MaestroError(err.message, {code: 'UNSUPPORTED_MEDIA_TYPE', status: 415})
    case 'request.aborted':
    case 'request.size.invalid':
      return new MaestroError(err.message, {code: 'BAD_REQUEST', status: 400})
    default:
      return undefined
  }
}

/**
 * Maps any error to a problem. `err.expose` errors with a 4xx status (express and
 * body-parser raise them, e.g. for a path parameter that is not valid percent-encoding)
 * count as the caller's mistake.
 */
export function classify(err: unknown): MaestroError | undefined {
  if (isMaestroError(err)) return err
  // The database down, restarting or locked: not the caller's mistake, nor a bug; retry later.
  if (isDatabaseUnavailable(err)) return new DatabaseUnavailableError(err)
  if (err && typeof err === 'object') {
    const e = err as {type?: string; status?: number; statusCode?: number; expose?: boolean; message: string}
    const parsed = fromBodyParser(e)
    if (parsed) return parsed
    const status = e.status ?? e.statusCode
    if (typeof status === 'number' && status >= 400 && status < 500 && e.expose !== false) {
      return new MaestroError(e.message, {code: 'BAD_REQUEST', status, exitCode: 2})
    }
  }
  return undefined
}

/**
 * The one error middleware: problem+json for everything, 5xx logged with the stack.
 *
 * @example
 * ```ts
 * app.use(errorHandler({logger, metrics}))
 * ```
 */
export function errorHandler(deps: {logger: Logger; metrics?: Metrics | undefined}): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, next) => {
    if (res.headersSent) {
      // Half a response is out: all we can do is cut the connection so the client sees a failure.
      deps.logger.error({err, req_id: req.id}, 'error after the response started')
      next(err)
      return
    }
    let error = classify(err)
    if (!error) {
      deps.logger.error({err, req_id: req.id, method: req.method, url: req.originalUrl}, 'unhandled error')
      error = new MaestroError(
        `an unexpected error occurred; it has been logged${req.id ? ` with request id ${req.id}` : ''}`,
        {code: 'INTERNAL', status: 500},
      )
    } else if (error.status >= 500 && !(error instanceof NotImplementedError)) {
      // A dependency failed (database, Redis): not a bug in this code, but an operator wants to know.
      deps.logger.warn({err, req_id: req.id, code: error.code}, error.message)
    }
    if (error instanceof MethodNotAllowedError) res.setHeader('Allow', error.allow.join(', '))
    if (error instanceof AuthenticationError) res.setHeader('WWW-Authenticate', error.challenge)
    if (error instanceof RateLimitedError) res.setHeader('Retry-After', String(error.retryAfter))
    if (error.status === 503 && typeof error.data.retryAfter === 'number')
      res.setHeader('Retry-After', String(error.data.retryAfter))
    deps.metrics?.countError(req, error.code)
    sendProblem(res, toProblem(error, req.originalUrl, req.id))
  }
}

/** Unknown paths: 405 when the path exists under another method, else 404. */
export function notFound(allowedMethods: (path: string) => string[]): RequestHandler {
  return (req, _res, next) => {
    const allow = allowedMethods(req.path)
    next(
      allow.length > 0
        ? new MethodNotAllowedError(req.method, req.path, allow)
        : new RouteNotFoundError(req.method, req.path),
    )
  }
}
