/**
 * The route table: each endpoint is declared once, with the schemas of its path
 * parameters, query and body and the shapes of its answers. From that one declaration
 * `mountRoutes` builds the express handlers (content-type check, body parsing with its
 * size limit, ajv validation, the handler, the JSON answer) and `buildOpenApi` builds the
 * OpenAPI document, so the two cannot drift apart.
 */
import express from 'express'
import type {ServerResponse} from 'node:http'

import type {Request, RequestHandler, Response, Router} from 'express'

import {authorize} from '../auth/policy.js'
import type {Permission} from '../auth/policy.js'
import type {DaemonRegistry, RouterDeps} from './types.js'
import {RequestValidationError, UnsupportedMediaTypeError} from './problem.js'
import type {JsonSchema} from './schemas.js'
import type {Validators} from './validation.js'
import {sendCached} from './response-cache.js'

export type Method = 'get' | 'post' | 'put' | 'delete'

export const GZIP_TYPES = ['application/gzip', 'application/x-gzip', 'application/x-tar+gzip']
const JSON_TYPES = ['application/json', 'application/*+json']

export interface BodySpec {
  /** Schema of a JSON body. */
  schema: JsonSchema
  /** Without a body the handler gets `{}` (default: a body is required). */
  optional?: boolean
  /** Also accept a .tar.gz of a template folder (`Content-Type: application/gzip`); the handler gets a Buffer. */
  gzip?: boolean
  /** Which size limit applies: `json` (small bodies) or `upload` (bodies carrying a template). */
  size: 'json' | 'upload'
  description?: string
}

export interface ResponseSpec {
  description: string
  /** Schema of an `application/json` answer. */
  schema?: JsonSchema
  /** Other media types of the answer (archives, text). */
  content?: Record<string, JsonSchema>
  headers?: Record<string, {description: string; schema: JsonSchema}>
}

/** What a handler works with; params, query and body are already validated (and coerced). */
export interface RouteContext<P, Q, B> {
  req: Request
  res: Response
  deps: RouterDeps
  params: P
  query: Q
  body: B
  /** The registry as the caller sees it (`registry.withContext(req.context)`). */
  readonly registry: DaemonRegistry
}

export interface RouteSpec<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  method: Method
  /** OpenAPI form: `/api/v1/templates/{id}`. */
  path: string
  operationId: string
  summary: string
  description?: string
  tags: string[]
  /**
   * What the caller needs (src/auth/policy.ts), checked by `mountRoutes` before anything
   * else runs. Every route declares one; a test walks the table to hold each to it.
   */
  permission: Permission
  /** Schema of each path parameter (all required). */
  params?: Record<string, JsonSchema>
  /** Schema of each query parameter; unknown parameters are refused. */
  query?: Record<string, JsonSchema>
  queryRequired?: string[]
  body?: BodySpec
  /** By status code; error answers (problem+json) are added by the document builder. */
  responses: Record<string, ResponseSpec>
  /** Serve repeated reads from the response cache (hot read routes only). */
  cached?: boolean
  /**
   * For a cached route: whether this answer shows content that never changes (an exact
   * version), which clients may then keep (see `cacheControlFor`).
   */
  immutable?(ctx: RouteContext<P, Q, B>, result: unknown): boolean
  /**
   * Returns the JSON answer (sent with `res.statusCode`, 200 unless set), or undefined
   * when it answered itself (archives, HTML, metrics).
   */
  handle(ctx: RouteContext<P, Q, B>): unknown
}

/**
 * Declares a route with the types its handler sees.
 *
 * @example
 * ```ts
 * export const getTemplate = defineRoute<{id: string}, {version?: string}>({
 *   method: 'get', path: '/api/v1/templates/{id}', operationId: 'getTemplate', summary: 'Get a template',
 *   tags: ['templates'], params: {id: templateIdParam}, query: {version: {type: 'string'}},
 *   responses: {'200': {description: 'The template', schema: ref('TemplateDetail')}},
 *   handle: ({registry, params}) => registry.get(params.id),
 * })
 * ```
 */
export function defineRoute<P = Record<string, string>, Q = Record<string, unknown>, B = unknown>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec as unknown as RouteSpec
}

/** `/api/v1/templates/{id}` → `/api/v1/templates/:id` */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1')
}

/**
 * Writes a whole answer in one go, without express's extras (no ETag hashing, no
 * content sniffing); `headers` are set on top (Content-Disposition, a CSP...).
 *
 * @example
 * ```ts
 * sendBody(res, 200, 'text/plain; charset=utf-8', 'ok', {cacheControl: 'no-cache'})
 * ```
 */
export function sendBody(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  opts: {cacheControl?: string; headers?: Record<string, string>} = {},
): void {
  res.statusCode = status
  res.setHeader('Content-Type', contentType)
  res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
  res.setHeader('Cache-Control', opts.cacheControl ?? 'no-store')
  for (const [name, value] of Object.entries(opts.headers ?? {})) res.setHeader(name, value)
  res.end(body)
}

/** {@link sendBody} for a JSON value. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  sendBody(res, status, 'application/json; charset=utf-8', JSON.stringify(value))
}

function objectSchema(properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  return {type: 'object', properties, required, additionalProperties: false}
}

/**
 * Registers `routes` on `router` with their parsing and validation.
 *
 * @example
 * ```ts
 * const router = express.Router()
 * mountRoutes(router, TEMPLATE_ROUTES, deps, validators)
 * ```
 */
export function mountRoutes(
  router: Router,
  routes: readonly RouteSpec[],
  deps: RouterDeps,
  validators: Validators,
): Router {
  for (const spec of routes) {
    if (!spec.permission) throw new Error(`route ${spec.operationId} declares no permission`)
    // The hot path answers cache hits before this check runs: only routes every caller may read can be cached.
    if (spec.cached && spec.permission !== 'template:read')
      throw new Error(`route ${spec.operationId} is cached but needs ${spec.permission}`)
    const handlers: RequestHandler[] = [
      (req, _res, next) => {
        authorize(req.context, spec.permission)
        next()
      },
    ]
    const params = spec.params
      ? validators.compile<Record<string, string>>(
          'path',
          objectSchema(spec.params, Object.keys(spec.params)),
        )
      : undefined
    const query = validators.compile<Record<string, unknown>>(
      'query',
      objectSchema(spec.query ?? {}, spec.queryRequired ?? []),
    )
    if (spec.body) handlers.push(...bodyParsers(spec.body, deps))
    const body = spec.body ? validators.compile('body', spec.body.schema) : undefined
    const cache = spec.cached ? deps.responseCache : undefined

    handlers.push(async (req, res) => {
      req.routePath = spec.path
      let generation = 0
      if (cache) {
        // The hot path (src/server/hot-path.ts) looked already when it handed the request on.
        if (req.hotCacheGeneration === undefined) {
          // Before any validation: a hit costs a lookup and a socket write.
          const hit = await cache.lookup(req.context, req.originalUrl)
          if (hit) return sendCached(req, res, hit)
          // Noted after the lookup (which may have invalidated), before the registry reads.
          generation = cache.generation
        } else {
          generation = req.hotCacheGeneration
        }
      }
      const ctx = {
        req,
        res,
        deps,
        params: params ? params({...req.params}) : {},
        query: query({...(req.query as object)}),
        body: (body && !Buffer.isBuffer(req.body) ? body((req.body as unknown) ?? {}) : req.body) as unknown,
        get registry() {
          return deps.registryFor(req)
        },
      }
      const result = await spec.handle(ctx)
      if (result === undefined || res.headersSent) return
      if (cache && res.statusCode === 200) {
        const shown = result as {id?: unknown; namespace?: unknown}
        const entry = cache.put(
          req.context.tenant,
          req.originalUrl,
          JSON.stringify(result),
          generation,
          spec.path,
          undefined,
          {
            template:
              typeof shown.id === 'string' && typeof shown.namespace === 'string'
                ? {id: shown.id, namespace: shown.namespace}
                : undefined,
            immutable: spec.immutable?.(ctx, result) ?? false,
          },
        )
        return sendCached(req, res, entry)
      }
      sendJson(res, res.statusCode, result)
    })
    router[spec.method](expressPath(spec.path), ...handlers)
  }
  return router
}

/** Content-type check and the parser of each accepted type, with the route's size limit. */
function bodyParsers(spec: BodySpec, deps: RouterDeps): RequestHandler[] {
  const limit = spec.size === 'upload' ? deps.limits.upload : deps.limits.jsonBody
  const accepted = spec.gzip ? [...JSON_TYPES, ...GZIP_TYPES] : JSON_TYPES
  const names = spec.gzip ? ['application/json', 'application/gzip'] : ['application/json']
  const checkType: RequestHandler = (req, _res, next) => {
    // No body at all (clients send `Content-Length: 0` without a type for an empty POST): optional bodies may be left out.
    const empty =
      req.headers['content-length'] === '0' ||
      (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)
    const is = empty ? null : req.is(accepted)
    if (is === false) return next(new UnsupportedMediaTypeError(req.headers['content-type'], names))
    if (is === null && !spec.optional)
      return next(new RequestValidationError([{in: 'body', pointer: '', message: 'is required'}]))
    next()
  }
  const parsers: RequestHandler[] = [checkType, express.json({limit, type: JSON_TYPES, strict: true})]
  if (spec.gzip) parsers.push(express.raw({limit, type: GZIP_TYPES}))
  return parsers
}

/** Route paths as regular expressions, to tell 405 (wrong method) from 404 (no such path). */
export function methodsForPath(
  routes: readonly {method: string; path: string}[],
): (path: string) => string[] {
  const compiled = routes.map((r) => ({
    method: r.method.toUpperCase(),
    pattern: new RegExp(`^${r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`),
  }))
  return (path) => [...new Set(compiled.filter((c) => c.pattern.test(path)).map((c) => c.method))]
}
