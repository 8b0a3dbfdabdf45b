/**
 * The OpenAPI 3.1 document, generated from the route table and the component schemas
 * that also drive request validation: one declaration, two uses, no drift.
 */
import {catalogExamples} from './openapi-examples.js'
import type {OpenApiExamples} from './openapi-examples.js'
import type {RouteSpec} from './route.js'
import {apiComponents, ref} from './schemas.js'
import type {JsonSchema} from './schemas.js'

const PROBLEM_CONTENT = {'application/problem+json': {schema: ref('Problem')}}

const problem = (description: string) => ({description, content: PROBLEM_CONTENT})

/** Operations that render or score a template in the render pool (and so can be turned away when it is full). */
const RENDERING_OPERATIONS = new Set([
  'createTemplate',
  'updateTemplate',
  'instantiateTemplate',
  'validateTemplate',
  'scoreTemplate',
  // Scores the restored files, as a publish does.
  'restoreTemplate',
])

/**
 * Error answers particular to an operation, by status, over the ones its kind gives
 * (below): what a client of that operation has to handle besides a malformed request.
 */
const OPERATION_ERRORS: Record<string, Record<string, string>> = {
  login: {
    '401': 'Wrong username or password, or the user is disabled (code UNAUTHENTICATED)',
    '429':
      'Too many attempts from this address for this username; retry after Retry-After (code RATE_LIMITED)',
  },
  refreshToken: {
    '401': 'The refresh token is unknown, expired, spent or revoked: sign in again (code UNAUTHENTICATED)',
  },
  changePassword: {'403': 'The current password is wrong (code FORBIDDEN)'},
  revokeApiToken: {'404': 'No API token of yours has that id (code NOT_FOUND)'},
  createTenant: {'409': 'A tenant of that name exists (code ALREADY_EXISTS)'},
  listUsers: {'404': 'No such tenant (code NOT_FOUND)'},
  createUser: {
    '404': 'No such tenant (code NOT_FOUND)',
    '409': 'A user of that name exists (code ALREADY_EXISTS)',
  },
  grantRole: {'404': 'No such user or tenant (code NOT_FOUND)'},
  resetPassword: {'404': 'No such user (code NOT_FOUND)'},
  revokeRole: {
    '404': 'The user has no role in that tenant (code NOT_FOUND)',
    '409': 'That is the last admin of the tenant (code CONFLICT)',
  },
  adminGitSync: {
    '409':
      'The histories diverged (code SYNC_DIVERGED; nothing changed), or another sync of the namespace holds its lock (code CONFLICT)',
    '422': 'The remote is not allowed: a private or loopback address (code SYNC_REMOTE_NOT_ALLOWED)',
    '502': 'The remote could not be reached or refused the fetch or push (code SYNC_REMOTE_FAILED)',
  },
  restoreTemplate: {
    '404':
      'Its namespace has no history of a deleted template of that name, or not at that version (code NOT_FOUND)',
    '409': 'A template of that name exists: only a deleted one can be restored (code ALREADY_EXISTS)',
    '422': 'The quality gate refuses the restored version as it stands today (code QUALITY_GATE_FAILED)',
  },
  validateTemplate: {'404': 'No published template matches `ref` (code NOT_FOUND)'},
  scoreTemplate: {'404': 'No published template matches `ref` (code NOT_FOUND)'},
  getWorkflow: {'404': 'No such workflow (code NOT_FOUND)'},
  executeWorkflow: {'404': 'No such workflow (code NOT_FOUND)'},
}

/** Error answers each kind of operation can give, on top of the ones it declares. */
function errorResponses(route: RouteSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (route.permission !== 'none') {
    out['401'] = problem(
      'A bearer token is needed, or the one sent is not valid (code UNAUTHENTICATED; see WWW-Authenticate)',
    )
  }
  if (route.permission !== 'none' && route.permission !== 'template:read') {
    out['403'] = problem(`Your role does not allow this; it needs ${route.permission} (code FORBIDDEN)`)
  }
  const hasInput = route.params !== undefined || route.query !== undefined || route.body !== undefined
  if (hasInput)
    out['400'] = problem(
      'The request is malformed or fails its schema (code VALIDATION_ERROR, USAGE_ERROR, INVALID_JSON...)',
    )
  if (route.path.startsWith('/api/v1/templates/{id}'))
    out['404'] = problem('No such template (code NOT_FOUND)')
  if (route.method !== 'get' && route.path.startsWith('/api/v1/templates')) {
    out['409'] = problem('Conflicts with what is stored (code VERSION_EXISTS, CONFLICT)')
  }
  if (route.body) {
    out['413'] = problem('The body, or the archive once unpacked, is over a limit (code LIMIT_EXCEEDED)')
    out['415'] = problem('The Content-Type is not one this endpoint takes (code UNSUPPORTED_MEDIA_TYPE)')
  }
  if (route.body || route.operationId === 'instantiateTemplate') {
    out['422'] = problem(
      'The template, answers or a path are invalid, or rendering went past a limit (code INVALID_TEMPLATE, INVALID_ANSWERS, UNSAFE_PATH, NAME_COLLISION, RENDER_LIMIT_EXCEEDED...)',
    )
  }
  if (RENDERING_OPERATIONS.has(route.operationId)) {
    out['503'] = problem(
      'Every render worker is busy and the queue is full; retry after the Retry-After header (code SERVER_BUSY)',
    )
  }
  if (route.path.startsWith('/api/v1/workflows') || route.operationId === 'adminGitSync') {
    out['501'] = problem('Not available yet (code NOT_IMPLEMENTED)')
  }
  for (const [status, description] of Object.entries(OPERATION_ERRORS[route.operationId] ?? {}))
    out[status] = problem(description)
  out.default = problem('Any other error, as problem+json with a stable code')
  return out
}

function responses(route: RouteSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const errors = errorResponses(route)
  for (const [status, spec] of Object.entries(route.responses)) {
    // An error the route declares (429 with its Retry-After) keeps its headers and gets the problem body.
    if (status in errors && !spec.schema && !spec.content) {
      out[status] = {...(errors[status] as object), ...(spec.headers ? {headers: spec.headers} : {})}
      continue
    }
    const content: Record<string, {schema: JsonSchema}> = {}
    if (spec.schema) content['application/json'] = {schema: spec.schema}
    for (const [type, schema] of Object.entries(spec.content ?? {})) content[type] = {schema}
    out[status] = {
      description: spec.description,
      ...(Object.keys(content).length > 0 ? {content} : {}),
      ...(spec.headers ? {headers: spec.headers} : {}),
    }
  }
  // Success answers first; an answer the route declares wins over the generic one.
  return {...out, ...errors, ...out}
}

/** The example of a parameter: template ids only on template routes (tokens and workflows have ids of their own). */
function parameterExample(route: RouteSpec, name: string, examples: OpenApiExamples): object {
  if (name === 'id' && !route.path.startsWith('/api/v1/templates/')) return {}
  return name in examples.parameters ? {example: examples.parameters[name]} : {}
}

function parameters(route: RouteSpec, examples: OpenApiExamples): unknown[] {
  const out: unknown[] = []
  for (const [name, schema] of Object.entries(route.params ?? {})) {
    const {description, ...rest} = schema as JsonSchema & {description?: string}
    out.push({
      name,
      in: 'path',
      required: true,
      schema: rest,
      ...(description ? {description} : {}),
      ...parameterExample(route, name, examples),
    })
  }
  const required = new Set(route.queryRequired ?? [])
  for (const [name, schema] of Object.entries(route.query ?? {})) {
    const {description, ...rest} = schema as JsonSchema & {description?: string}
    out.push({
      name,
      in: 'query',
      required: required.has(name),
      schema: rest,
      ...(description ? {description} : {}),
      ...parameterExample(route, name, examples),
      // Arrays repeat the parameter: ?tags=a&tags=b
      ...(rest.type === 'array' ? {style: 'form', explode: true} : {}),
    })
  }
  return out
}

function requestBody(route: RouteSpec, examples: OpenApiExamples): unknown {
  const body = route.body
  if (!body) return undefined
  const example = examples.bodies[route.operationId]
  const content: Record<string, unknown> = {
    'application/json': {schema: body.schema, ...(example === undefined ? {} : {example})},
  }
  if (body.gzip)
    content['application/gzip'] = {schema: {type: 'string', contentMediaType: 'application/gzip'}}
  return {required: !body.optional, ...(body.description ? {description: body.description} : {}), content}
}

export interface OpenApiInfo {
  version: string
  listMax: number
  /** Request examples (default: taken from the bundled catalog). */
  examples?: OpenApiExamples
}

/**
 * The OpenAPI 3.1 document of `routes`.
 *
 * @example
 * ```ts
 * const doc = buildOpenApi(allRoutes(100), {version: '0.1.0', listMax: 100})
 * doc.paths['/api/v1/templates/{id}'].get.operationId // 'getTemplate'
 * ```
 */
export function buildOpenApi(routes: readonly RouteSpec[], info: OpenApiInfo) {
  const paths: Record<string, Record<string, unknown>> = {}
  const tags = new Set<string>()
  const examples = info.examples ?? catalogExamples()
  for (const route of routes) {
    route.tags.forEach((t) => tags.add(t))
    const params = parameters(route, examples)
    const body = requestBody(route, examples)
    paths[route.path] ??= {}
    paths[route.path]![route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? {description: route.description} : {}),
      tags: route.tags,
      ...(params.length > 0 ? {parameters: params} : {}),
      ...(body ? {requestBody: body} : {}),
      responses: responses(route),
      // Anonymous callers may read the public catalog; everything else needs a bearer token.
      security:
        route.permission === 'none'
          ? []
          : route.permission === 'template:read'
            ? [{}, {bearerAuth: []}]
            : [{bearerAuth: []}],
      'x-maestro-permission': route.permission,
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'maestro-tpl',
      version: info.version,
      description:
        'Template registry and engine. Errors are application/problem+json (RFC 9457) with a stable `code`; lists are paginated with `limit` and `offset`. `{id}` is a template id (UUID) or name.',
      license: {name: 'MIT', identifier: 'MIT'},
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{url: '/'}],
    tags: [...tags].map((name) => ({name})),
    paths,
    components: {
      schemas: apiComponents(info.listMax),
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT access token (POST /api/v1/auth/login) or API token (mtp_...)',
        },
      },
    },
  }
}
