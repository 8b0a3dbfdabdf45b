import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {packageRoot} from '../../../src/domain/package-root.js'
import type {JsonSchema} from '../../../src/server/schemas.js'
import {Validators} from '../../../src/server/validation.js'
import {SHARED, bearer, buildWorld, startAuthServer} from './auth-support.js'
import {expectProblem, expectSchema, startTestServer} from './support.js'
import type {Json} from './support.js'

interface Operation {
  operationId: string
  parameters?: {name: string; in: 'path' | 'query'; schema: JsonSchema; example?: unknown}[]
  requestBody?: {content: Record<string, {schema: JsonSchema; example?: unknown}>}
  responses: Record<string, {content?: Record<string, unknown>}>
  'x-maestro-permission': string
}

/** Every operation of the document, with its method and path. */
function operations(doc: Json): {method: string; path: string; op: Operation}[] {
  return Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({method, path, op})),
  )
}

/** The request Swagger UI's "Try it out" sends as it opens: every parameter at its example. */
function tryItOutUrl(path: string, op: Operation): string {
  let url = path
  const query = new URLSearchParams()
  for (const p of op.parameters ?? []) {
    if (p.example === undefined) continue
    if (p.in === 'path')
      url = url.replace(`{${p.name}}`, encodeURIComponent(`${p.example as string | number}`))
    else for (const v of [p.example].flat()) query.append(p.name, `${v as string | number | boolean}`)
  }
  return query.size > 0 ? `${url}?${query.toString()}` : url
}

/** HTTP conventions the original service's clients and caches rely on (issue 21). */
describe('daemon: HTTP conventions', () => {
  it('template reads carry an ETag, answer If-None-Match with 304, and exact versions are cacheable', async () => {
    const {server, tokens} = await buildWorld(await startAuthServer())
    const read = (path: string, token?: string, headers: Record<string, string> = {}) =>
      server.api(path, {headers: {...bearer(token), ...headers}})

    // Twice each: the first answer comes from express, the second from the hot path's cache.
    for (const round of [1, 2]) {
      const exact = await read(`/api/v1/templates/${SHARED}@3.0.0`)
      expect(exact.status, `round ${round}`).toBe(200)
      expect((await exact.json()).version).toBe('3.0.0')
      expect(exact.headers.get('cache-control')).toBe('public, max-age=86400, immutable')
      expect(exact.headers.get('vary')).toBe('Authorization')
      const etag = exact.headers.get('etag')!
      expect(etag).toMatch(/^"[\w-]+"$/)

      for (const held of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const again = await read(`/api/v1/templates/${SHARED}@3.0.0`, undefined, {'if-none-match': held})
        expect(again.status, held).toBe(304)
        expect(again.headers.get('etag')).toBe(etag)
        expect(again.headers.get('cache-control')).toBe('public, max-age=86400, immutable')
        expect(await again.text()).toBe('')
      }
      const changed = await read(`/api/v1/templates/${SHARED}@3.0.0`, undefined, {'if-none-match': '"other"'})
      expect(changed.status).toBe(200)

      const version = await read(`/api/v1/templates/${SHARED}/versions/3.0.0`)
      expect(version.headers.get('cache-control')).toBe('public, max-age=86400, immutable')
      const query = await read(`/api/v1/templates/${SHARED}?version=3.0.0`)
      expect(query.headers.get('cache-control')).toBe('public, max-age=86400, immutable')

      // The latest version, or a range, may answer differently tomorrow: revalidate each time.
      for (const moving of [
        SHARED,
        `${SHARED}@${encodeURIComponent('^3')}`,
        `${SHARED}/versions/${encodeURIComponent('~3.0')}`,
      ]) {
        const res = await read(`/api/v1/templates/${moving}`)
        expect(res.status, moving).toBe(200)
        expect(res.headers.get('cache-control'), moving).toBe('no-cache')
        expect(res.headers.get('etag'), moving).toMatch(/^"/)
        const held = await read(`/api/v1/templates/${moving}`, undefined, {
          'if-none-match': res.headers.get('etag')!,
        })
        expect(held.status, moving).toBe(304)
      }

      // A tenant's own template, and anything a signed-in caller reads, is for that caller only.
      const tenant = await read(`/api/v1/templates/${SHARED}@1.0.0`, tokens.viewer)
      expect(tenant.status).toBe(200)
      expect((await tenant.json()).namespace).toBe('acme')
      expect(tenant.headers.get('cache-control')).toBe('private, max-age=86400, immutable')
      const signedIn = await read(`/api/v1/templates/public%2F${SHARED}@3.0.0`, tokens.platform)
      expect(signedIn.status).toBe(200)
      expect(signedIn.headers.get('cache-control')).toBe('private, max-age=86400, immutable')
    }
  })

  it('POST /templates/search takes the words as query (the original service) or text', async () => {
    const {server} = await buildWorld(await startAuthServer())
    const search = (body: unknown) => server.api('/api/v1/templates/search', {json: body})
    const byText = await (await search({text: 'public-only'})).json()
    expectSchema(byText, 'SearchResult')
    expect(byText.items.map((i: {name: string}) => i.name)).toEqual(['public-only'])
    const byQuery = await search({query: 'public-only', limit: 5})
    expect(byQuery.status).toBe(200)
    const found = await byQuery.json()
    expectSchema(found, 'SearchResult')
    expect(found.items).toEqual(byText.items)
    expect((await search({query: 'public-only', text: 'public-only'})).status).toBe(200)
    const both = await expectProblem(await search({query: 'public', text: 'shared'}), 400, 'USAGE_ERROR')
    expect(both.detail).toMatch(/text or as query/)
  })

  it('OpenAPI: every operation declares its 4xx answers, and the examples are valid and work as they open', async () => {
    const server = await startTestServer({
      env: {TEMPLATES_STORAGE_PATH: join(packageRoot(), 'templates_storage')},
    })
    const doc = await (await server.api('/openapi.json')).json()
    const validators = new Validators(doc.components.schemas)
    const all = operations(doc)

    const errors = (id: string) => Object.keys(all.find((o) => o.op.operationId === id)!.op.responses)
    expect(errors('login')).toEqual(expect.arrayContaining(['400', '401', '429']))
    expect(errors('refreshToken')).toContain('401')
    expect(errors('adminGitSync')).toEqual(expect.arrayContaining(['401', '403', '409', '422', '502']))
    expect(errors('restoreTemplate')).toEqual(expect.arrayContaining(['401', '403', '404', '409']))
    // A parameter's pattern_hint is part of the parameter schema clients read.
    expect(doc.components.schemas.ManifestParameter.properties.pattern_hint).toMatchObject({type: 'string'})
    expect(errors('createTenant')).toContain('409')
    expect(errors('revokeApiToken')).toContain('404')
    for (const {op} of all) {
      if (op['x-maestro-permission'] === 'none' && !op.requestBody && !op.parameters) continue
      const fourxx = Object.keys(op.responses).filter((s) => /^4\d\d$/.test(s))
      expect(fourxx.length, op.operationId).toBeGreaterThan(0)
      for (const status of fourxx)
        expect(op.responses[status]!.content, `${op.operationId} ${status}`).toHaveProperty([
          'application/problem+json',
        ])
    }

    for (const {path, op} of all) {
      const json = op.requestBody?.content['application/json']
      if (json) {
        expect(json.example, `${op.operationId} body example`).toBeDefined()
        expect(() => validators.compile('body', json.schema)(json.example), op.operationId).not.toThrow()
      }
      for (const p of op.parameters ?? []) {
        if (p.example === undefined) continue
        expect(
          () =>
            validators.compile('query', {type: 'object', properties: {[p.name]: p.schema}})({
              [p.name]: p.example,
            }),
          `${op.operationId} ${p.name}`,
        ).not.toThrow()
      }
      // Not "string": a real value from the catalog.
      if (path.startsWith('/api/v1/templates/{id}'))
        expect(op.parameters!.find((p) => p.name === 'id')!.example).toBe('fastapi-service')
    }

    // Try it out on the template reads and the template operations that take a body.
    const tried: string[] = []
    for (const {method, path, op} of all) {
      if (!path.startsWith('/api/v1/templates') || op['x-maestro-permission'] === 'template:write') continue
      tried.push(op.operationId)
      const body = op.requestBody?.content['application/json']?.example
      const res = await server.api(tryItOutUrl(path, op), {
        method: method.toUpperCase(),
        ...(body ? {json: body} : {}),
      })
      expect(res.status, `${op.operationId}: ${await res.clone().text()}`).toBe(200)
      if (op.operationId === 'searchTemplates' || op.operationId === 'listTemplates') {
        const names = (await res.json()).items.map((i: {name: string}) => i.name)
        expect(names, op.operationId).toContain('fastapi-service')
      }
    }
    expect(tried).toEqual(
      expect.arrayContaining([
        'getTemplate',
        'listTemplates',
        'searchTemplates',
        'instantiateTemplate',
        'getTemplateFiles',
      ]),
    )
    const quality = all.find((o) => o.op.operationId === 'validateTemplate')!
    const validated = await server.api(tryItOutUrl(quality.path, quality.op), {
      json: quality.op.requestBody!.content['application/json']!.example,
    })
    expect(validated.status).toBe(200)
  }, 60_000)
})
