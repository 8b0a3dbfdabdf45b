/**
 * The original service's wire formats, sent by clients nobody here wrote (issue 12): a
 * plain node-redis client adds stream requests as the original service documented them
 * (no request_id, ISO and epoch-second timestamps, and its own clients' envelope: the
 * request as JSON in one `data` field), and plain HTTP (fetch) reads /health and the
 * quality score by the fields the original documented.
 */
import {createClient} from 'redis'
import {describe, expect, it, onTestFinished} from 'vitest'

import {openAuth} from '../../../src/auth/index.js'
import {startTestServer, templateUpload} from '../server/support.js'
import {REDIS_URL, createParameters, testPrefix, waitFor} from './support.js'

describe.skipIf(!REDIS_URL)("the original service's wire formats", () => {
  it('runs requests sent as the original documented them and answers health and score by its fields', async () => {
    const prefix = testPrefix()
    const server = await startTestServer({env: {REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix}})
    const redis = createClient({url: REDIS_URL!})
    redis.on('error', () => {})
    await redis.connect()
    onTestFinished(() => redis.destroy())
    // The stream writes registered tenants only (never the owner's `local`, issue 13).
    const accounts = await openAuth(server.config)
    await accounts.auth.createTenant({name: 'seed'})
    await accounts.close()
    const requests = `${prefix}streams:templates:requests`
    const results = `${prefix}streams:templates:results`
    /** The result of the request added as entry `id` (no request_id: the entry id is used). */
    const resultOf = (id: string) =>
      waitFor(async () => {
        const entries = (await redis.xRange(results, '-', '+')) ?? []
        return entries.map((e) => e?.message).find((m) => m?.request_id === id)
      })

    // Flat fields, ISO timestamp with Z, as in the original's README.
    const created = await redis.xAdd(requests, '*', {
      template_id: 'seed-service',
      operation: 'create',
      tenant_id: 'seed',
      user_id: 'user-456',
      parameters: JSON.stringify(createParameters('seed-service')),
      timestamp: '2025-10-26T12:00:00Z',
    })
    expect(await resultOf(created)).toMatchObject({status: 'success', template_id: 'seed-service', error: ''})

    // Epoch seconds with a fraction, as Python's time.time() gives.
    const bySeconds = await redis.xAdd(requests, '*', {
      template_id: 'seed-service',
      operation: 'retrieve',
      tenant_id: 'seed',
      user_id: 'user-456',
      parameters: '{}',
      timestamp: '1761480000.25',
    })
    const retrieved = await resultOf(bySeconds)
    expect(retrieved).toMatchObject({status: 'success', template_id: 'seed-service'})
    expect(JSON.parse(retrieved.result!)).toMatchObject({name: 'seed-service'})
    expect(Number(retrieved.duration_ms)).toBeGreaterThanOrEqual(0)

    // The original's own client: the request as JSON in `data`, a naive ISO timestamp (UTC).
    const enveloped = await redis.xAdd(requests, '*', {
      data: JSON.stringify({
        template_id: 'seed-service',
        operation: 'retrieve',
        tenant_id: 'seed',
        user_id: 'user-456',
        parameters: {},
        timestamp: '2025-10-26T12:00:00.123456',
      }),
    })
    expect(await resultOf(enveloped)).toMatchObject({status: 'success', template_id: 'seed-service'})

    // The same template published over HTTP, where this caller reads it: without RBAC the
    // daemon answers as its owner, `local`.
    expect(
      (await server.api('/api/v1/templates', {json: templateUpload({name: 'seed-service'})})).status,
    ).toBe(201)

    // Health, read by the original's documented fields.
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>
    expect(health).toMatchObject({status: 'healthy', database: 'connected', redis: 'connected'})
    expect(typeof health.service).toBe('string')
    expect(typeof health.version).toBe('string')
    expect(health.templates_count).toBeGreaterThanOrEqual(1)

    // The quality score, read by the original's documented fields.
    const response = await fetch(`${server.url}/api/v1/quality/score`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({ref: 'seed-service'}),
    })
    expect(response.status).toBe(200)
    const score = (await response.json()) as Record<string, unknown>
    expect(score.template_id).toBe('seed-service')
    expect(score.quality_score).toBeGreaterThanOrEqual(70)
    expect(Object.keys(score.checks as object).sort()).toEqual([
      'dependencies',
      'documentation',
      'examples',
      'metadata',
      'structure',
    ])
    for (const status of Object.values(score.checks as object))
      expect(['pass', 'warning', 'fail']).toContain(status)
    expect(Array.isArray(score.recommendations)).toBe(true)
  })
})
