import {Validator} from '@seriousme/openapi-schema-validator'
import type {Express} from 'express'
import {describe, expect, it, onTestFinished} from 'vitest'

import {MaestroError} from '../../../src/domain/errors.js'
import {createApp} from '../../../src/server/app.js'
import type {DaemonRegistry} from '../../../src/server/types.js'
import {testConfig} from '../../helpers/temp.js'
import {createTestDatabase, unavailable} from '../db/helpers.js'
import {expectProblem, expectSchema, silent, startTestServer, templateUpload} from './support.js'

/** A registry whose database is gone: every call fails as a dropped connection would. */
function brokenRegistry(): DaemonRegistry {
  const fail = async () => {
    throw new Error('SQLITE_CANTOPEN: unable to open database file')
  }
  const registry = new Proxy({} as DaemonRegistry, {
    get: (_target, prop) => {
      if (prop === 'withContext') return () => registry
      if (prop === 'close') return async () => {}
      return prop === 'then' ? undefined : fail
    },
  })
  return registry
}

/** Every route express has registered, as `METHOD /path` with OpenAPI-style parameters. */
function expressRoutes(app: Express): string[] {
  const out: string[] = []
  const walk = (stack: unknown[]) => {
    for (const layer of stack as {
      route?: {path: string; methods: Record<string, boolean>}
      handle?: {stack?: unknown[]}
    }[]) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          out.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`)
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack)
      }
    }
  }
  walk((app as unknown as {router: {stack: unknown[]}}).router.stack)
  return out
}

describe('daemon: OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const server = await startTestServer()
    const res = await server.api('/openapi.json')
    expect(res.status).toBe(200)
    const doc = await res.json()
    expect(doc.openapi).toBe('3.1.0')
    const validator = new Validator()
    const result = await validator.validate(doc)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(() => validator.resolveRefs()).not.toThrow()
  })

  it('documents every route express has registered, and nothing else', async () => {
    const app = createApp({
      registry: brokenRegistry(),
      config: testConfig(),
      logger: silent,
      version: '0.0.0',
    })
    // The web catalog's pages (src/web: HTML for people, not API) are not in the API document.
    const webPage =
      /^(GET|POST) \/(signin|signout|templates\/\{namespace\}\/\{ref\}(\/use(\/state)?)?|workflows(\/\{namespace\}\/\{name\}(\/run(\/state)?)?)?|executions\/\{id\}(\/events|\/result)?)?$/
    const registered = expressRoutes(app)
      .filter((route) => !webPage.test(route))
      .sort()
    const res = await startTestServer().then((s) => s.api('/openapi.json'))
    const doc = (await res.json()) as {paths: Record<string, Record<string, unknown>>}
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort()
    expect(registered.length).toBeGreaterThanOrEqual(25)
    expect(documented).toEqual(registered)
    for (const expected of [
      'GET /api/v1/templates',
      'POST /api/v1/templates',
      'GET /api/v1/templates/{id}',
      'PUT /api/v1/templates/{id}',
      'DELETE /api/v1/templates/{id}',
      'POST /api/v1/templates/search',
      'GET /api/v1/templates/{id}/versions',
      'GET /api/v1/templates/{id}/versions/{version}',
      'POST /api/v1/templates/{id}/instantiate',
      'POST /api/v1/quality/validate',
      'POST /api/v1/quality/score',
      'GET /api/v1/quality/report',
      'GET /api/v1/admin/stats',
      'POST /api/v1/admin/cache/clear',
      'POST /api/v1/admin/git/sync',
      'GET /api/v1/workflows',
      'POST /api/v1/workflows',
      'GET /api/v1/workflows/{id}',
      'DELETE /api/v1/workflows/{id}',
      'POST /api/v1/workflows/{id}/execute',
      'GET /health',
      'GET /metrics',
      'GET /docs',
      'GET /openapi.json',
    ]) {
      expect(documented).toContain(expected)
    }
  })

  it('publishes the manifest schema the domain validates with', async () => {
    const server = await startTestServer()
    const doc = await (await server.api('/openapi.json')).json()
    const manifest = doc.components.schemas.Manifest
    expect(manifest.required).toEqual(['name', 'version', 'description', 'category', 'author'])
    expect(doc.components.schemas.ManifestParameter.properties.type.enum).toContain('multichoice')
  })
})

describe('daemon: /health', () => {
  it('reports the service, its version, the database, redis and the template count', async () => {
    const server = await startTestServer()
    const res = await server.api('/health')
    expect(res.status).toBe(200)
    const body = await res.json()
    expectSchema(body, 'Health')
    expect(body).toMatchObject({
      status: 'healthy',
      service: 'maestro-tpl',
      database: 'connected',
      database_kind: 'sqlite',
      redis: 'not configured',
      templates_count: 0,
    })
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
  })

  it.skipIf(unavailable('postgres'))(
    'reports PostgreSQL when the index is on it, and serves from it',
    async () => {
      const database = await createTestDatabase('postgres')
      onTestFinished(() => database.drop())
      const server = await startTestServer({env: {DATABASE_URL: database.url}})
      const published = await server.api('/api/v1/templates', {json: templateUpload({name: 'on-postgres'})})
      expect(published.status).toBe(201)
      const res = await server.api('/health')
      expect(res.status).toBe(200)
      const body = await res.json()
      expectSchema(body, 'Health')
      expect(body).toMatchObject({
        status: 'healthy',
        database: 'connected',
        database_kind: 'postgres',
        templates_count: 1,
      })
      const found = await (await server.api('/api/v1/templates?text=postgres')).json()
      expect(found.items.map((t: {name: string}) => t.name)).toEqual(['on-postgres'])
    },
  )

  it.skipIf(unavailable('postgres'))(
    'answers degraded, not 503, within a second when every pooled connection is busy but PostgreSQL answers',
    async () => {
      const database = await createTestDatabase('postgres')
      onTestFinished(() => database.drop())
      // One pooled connection, which a read stuck behind a table lock keeps.
      const server = await startTestServer({env: {DATABASE_URL: database.url, DATABASE_POOL_MAX: '1'}})
      expect((await server.api('/api/v1/templates', {json: templateUpload({name: 'held'})})).status).toBe(201)
      const {default: pg} = await import('pg')
      const blocker = new pg.Client({connectionString: database.url})
      await blocker.connect()
      onTestFinished(() => blocker.end())
      await blocker.query('BEGIN')
      await blocker.query('LOCK TABLE templates IN ACCESS EXCLUSIVE MODE')
      const stuck = server.api('/api/v1/templates?sort=name&text=held')
      await new Promise((resolve) => setTimeout(resolve, 300))

      const started = performance.now()
      const res = await server.api('/health')
      const ms = performance.now() - started
      expect(res.status).toBe(200)
      const body = await res.json()
      expectSchema(body, 'Health')
      expect(body.status).toBe('degraded')
      expect(body.database).toMatch(
        /^busy: no answer from the database pool within \d+ ms; the database answers on a connection of its own$/,
      )
      expect(body.templates_count).toBeNull()
      expect(ms).toBeLessThan(1000)

      await blocker.query('ROLLBACK')
      expect((await stuck).status).toBe(200)
      const after = await (await server.api('/health')).json()
      expect([after.status, after.database, after.templates_count]).toEqual(['healthy', 'connected', 1])
    },
  )

  it('answers 503 when the database is down', async () => {
    const server = await startTestServer({registry: brokenRegistry()})
    const res = await server.api('/health')
    expect(res.status).toBe(503)
    const body = await res.json()
    expectSchema(body, 'Health')
    expect(body.status).toBe('unhealthy')
    expect(body.database).toMatch(/^unavailable: /)
    expect(body.templates_count).toBeNull()
  })

  it('hides internal failures behind a generic 500 problem with the request id', async () => {
    const server = await startTestServer({registry: brokenRegistry()})
    const res = await server.api('/api/v1/templates', {headers: {'x-request-id': 'trace-42'}})
    const problem = await expectProblem(res, 500, 'INTERNAL')
    expect(problem.detail).not.toContain('SQLITE')
    expect(problem.detail).toContain('trace-42')
    expect(problem.request_id).toBe('trace-42')
  })
})

describe('daemon: /metrics', () => {
  it('exposes request counts, latency, errors, templates by category, cache ratio and git sync state', async () => {
    const server = await startTestServer()
    await server.api('/api/v1/templates')
    await server.api('/api/v1/templates/no-such-template')
    await server.api('/no/such/route')
    const res = await server.api('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/templates",status="200"\} 1/)
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{.*route="\/api\/v1\/templates\/\{id\}".*status="404"/,
    )
    expect(text).toMatch(
      /http_errors_total\{method="GET",route="\/api\/v1\/templates\/\{id\}",code="NOT_FOUND"\} 1/,
    )
    // Unknown paths share one label, whatever the URL.
    expect(text).toMatch(/route="\(unmatched\)"/)
    expect(text).not.toContain('/no/such/route')
    expect(text).toMatch(/maestro_templates\{category="backend_developer"\} 0/)
    expect(text).toMatch(/maestro_cache_hit_ratio\{cache="response"\}/)
    expect(text).toMatch(/maestro_git_sync_status\{state="not_configured"\} 1/)
    expect(text).toContain('process_cpu_seconds_total')
  })
})

describe('daemon: /metrics of writes', () => {
  it('reports where writes spent their time, per phase, and the batches they ran in', async () => {
    const server = await startTestServer()
    expect((await server.api('/api/v1/templates', {json: templateUpload({name: 'measured'})})).status).toBe(
      201,
    )
    const text = await (await server.api('/metrics')).text()
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN)
    for (const phase of ['score', 'queue', 'commit', 'index', 'hold']) {
      expect(
        value(new RegExp(`maestro_write_phase_count_total\\{phase="${phase}"\\} (\\d+)`)),
        phase,
      ).toBeGreaterThan(0)
      expect(
        value(new RegExp(`maestro_write_phase_seconds_total\\{phase="${phase}"\\} ([\\d.e-]+)`)),
        phase,
      ).toBeGreaterThanOrEqual(0)
    }
    expect(value(/maestro_write_batches_total (\d+)/)).toBeGreaterThan(0)
    expect(value(/maestro_write_batch_writes_total (\d+)/)).toBeGreaterThanOrEqual(
      value(/maestro_write_batches_total (\d+)/),
    )
    expect(value(/maestro_write_batch_largest (\d+)/)).toBeGreaterThan(0)
  })
})

describe('daemon: /docs', () => {
  it('serves Swagger UI from the package, pointing at /openapi.json, with no external URL', async () => {
    const server = await startTestServer()
    const page = await server.api('/docs')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).not.toMatch(/https?:\/\//)
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(assets).toContain('/docs/swagger-ui-bundle.js')
    for (const asset of assets) {
      const res = await server.api(asset)
      expect(res.status, asset).toBe(200)
    }
    const init = await (await server.api('/docs/maestro-docs.js')).text()
    expect(init).toContain("url: '/openapi.json'")
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
  })
})

describe('daemon: request handling', () => {
  it('answers unknown paths with a 404 problem and wrong methods with 405 and Allow', async () => {
    const server = await startTestServer()
    await expectProblem(await server.api('/api/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND')
    const res = await server.api('/api/v1/templates/search')
    // GET /templates/search is a read of a template named "search".
    await expectProblem(res, 404, 'NOT_FOUND')
    const patch = await server.api('/api/v1/templates', {method: 'PATCH'})
    await expectProblem(patch, 405, 'METHOD_NOT_ALLOWED')
    expect(patch.headers.get('allow')).toBe('GET, POST')
  })

  it('authenticates every request, on the cached read path too, and keeps tenants apart', async () => {
    let calls = 0
    const server = await startTestServer({
      authenticate: async (req) => {
        calls++
        const tenant = req.headers['x-tenant']
        if (typeof tenant !== 'string')
          throw new MaestroError('who are you?', {code: 'UNAUTHORIZED', status: 401})
        return {tenant, user: 'tester', role: 'admin'}
      },
    })
    await expectProblem(await server.api('/api/v1/templates/anything'), 401, 'UNAUTHORIZED')
    await expectProblem(await server.api('/api/v1/templates'), 401, 'UNAUTHORIZED')
    const created = await server.api('/api/v1/templates', {
      json: templateUpload({name: 'tenant-a-only'}),
      headers: {'x-tenant': 'acme'},
    })
    expect(created.status).toBe(201)
    for (let i = 0; i < 2; i++) {
      expect(
        (await server.api('/api/v1/templates/tenant-a-only', {headers: {'x-tenant': 'acme'}})).status,
      ).toBe(200)
    }
    // Another tenant never gets acme's cached answer.
    await expectProblem(
      await server.api('/api/v1/templates/tenant-a-only', {headers: {'x-tenant': 'globex'}}),
      404,
      'NOT_FOUND',
    )
    const before = calls
    await server.api('/api/v1/templates/tenant-a-only', {headers: {'x-tenant': 'acme'}})
    expect(calls).toBe(before + 1)
  })

  it('echoes a well-formed X-Request-Id, invents one otherwise, and sets security headers', async () => {
    const server = await startTestServer()
    const given = await server.api('/health', {headers: {'x-request-id': 'abc-123'}})
    expect(given.headers.get('x-request-id')).toBe('abc-123')
    const invented = await server.api('/health', {headers: {'x-request-id': 'bad id with spaces'}})
    expect(invented.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(invented.headers.get('x-content-type-options')).toBe('nosniff')
    expect(invented.headers.get('x-frame-options')).toBe('DENY')
    expect(invented.headers.get('x-powered-by')).toBeNull()
  })

  it('turns malformed JSON into a 400 problem, not a 500', async () => {
    const server = await startTestServer()
    const res = await server.api('/api/v1/templates/search', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: '{"text": ',
    })
    await expectProblem(res, 400, 'INVALID_JSON')
  })

  it('refuses a body of the wrong media type with 415', async () => {
    const server = await startTestServer()
    const res = await server.api('/api/v1/templates/search', {
      method: 'POST',
      headers: {'content-type': 'text/plain'},
      body: 'api',
    })
    const problem = await expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE')
    expect(problem.accepted).toEqual(['application/json'])
  })

  it('refuses a JSON body over the limit with 413', async () => {
    const server = await startTestServer({limits: {jsonBody: 1024}})
    const res = await server.api('/api/v1/templates/search', {json: {text: 'x'.repeat(4096)}})
    await expectProblem(res, 413, 'LIMIT_EXCEEDED')
  })

  it('lists every schema violation of a request', async () => {
    const server = await startTestServer()
    const res = await server.api('/api/v1/templates/search', {json: {limit: 1000, offset: -1, colour: 'red'}})
    const problem = await expectProblem(res, 400, 'VALIDATION_ERROR')
    const errors = problem.errors as {in: string; pointer: string; message: string}[]
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({in: 'body', pointer: '/limit'}),
        expect.objectContaining({in: 'body', pointer: '/offset'}),
        expect.objectContaining({in: 'body', pointer: '/colour', message: 'is not allowed here'}),
      ]),
    )
    const query = await server.api('/api/v1/templates?limit=abc&category=nope')
    const queryProblem = await expectProblem(query, 400, 'VALIDATION_ERROR')
    expect((queryProblem.errors as {in: string}[]).every((e) => e.in === 'query')).toBe(true)
  })
})
