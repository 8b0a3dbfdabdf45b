/**
 * The daemon on Redis: it consumes the request stream (a request added with a plain
 * node-redis client gets its result), counts usage, reports Redis in /health and the
 * cache and events in /metrics and /admin/stats, and stops its consumers on close.
 */
import {describe, expect, it} from 'vitest'

import {streamNames} from '../../../src/events/bus.js'
import {decodeResult} from '../../../src/events/messages.js'
import {openAuth} from '../../../src/auth/index.js'
import {startTestServer, templateUpload} from '../server/support.js'
import {REDIS_URL, createParameters, plainClient, startOwnRedis, testPrefix, waitFor} from './support.js'

describe.skipIf(!REDIS_URL)('daemon with REDIS_URL', () => {
  it('answers stream requests and reports Redis, the cache and the events', async () => {
    const prefix = testPrefix()
    const server = await startTestServer({env: {REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix}})
    const streams = streamNames(prefix)
    const redis = await plainClient(REDIS_URL!)
    // The stream writes registered tenants only (never the owner's `local`).
    const {auth, close} = await openAuth(server.config)
    await auth.createTenant({name: 'acme'})
    await close()
    await redis.xAdd(streams.requests, '*', {
      request_id: 'daemon-create',
      template_id: 'billing-service',
      operation: 'create',
      tenant_id: 'acme',
      user_id: 'ci-bot',
      parameters: JSON.stringify(createParameters('billing-service')),
      timestamp: String(Date.now()),
    })
    const result = await waitFor(async () => {
      const entries = (await redis.xRange(streams.results, '-', '+')) ?? []
      return entries.map((e) => decodeResult(e.message)).find((r) => r.request_id === 'daemon-create')
    })
    expect(result).toMatchObject({status: 'success', result: {status: 'created'}})
    // The write went to the change stream too (published in the background, within ~100 ms).
    const changes = await waitFor(async () => {
      const entries = (await redis.xRange(streams.changes, '-', '+')) ?? []
      return entries.length > 0 && entries
    })
    expect(changes.map((c) => c.message)).toContainEqual(
      expect.objectContaining({
        name: 'billing-service',
        operation: 'create',
        namespace: 'acme',
        user_id: 'ci-bot',
      }),
    )
    // The API's caller is the store owner (no RBAC): it reads its own copy.
    const published = await server.api('/api/v1/templates', {json: templateUpload({name: 'billing-service'})})
    expect(published.status).toBe(201)

    // Reads through the API: the second search is a registry cache hit (Redis).
    await server.api('/api/v1/templates/search', {json: {text: 'billing'}})
    await server.api('/api/v1/templates/search', {json: {text: 'billing'}})
    await server.api('/api/v1/templates/billing-service')
    await server.api('/api/v1/templates/billing-service') // answered by the response cache: still a use

    const health = await (await server.api('/health')).json()
    expect(health).toMatchObject({status: 'healthy', redis: 'connected'})
    expect(health.redis_latency_ms).toBeGreaterThan(0)

    const stats = await (await server.api('/api/v1/admin/stats')).json()
    expect(stats.cache).toMatchObject({backend: 'redis', entries: null})
    expect(stats.cache.hits).toBeGreaterThanOrEqual(1)
    expect(stats.events.bus).toBe('redis')
    expect(stats.events.consumers.requests.processed).toBe(1)

    // Two gets (one from the response cache) become a usage count of 2.
    await waitFor(
      async () => {
        const text = await (await server.api('/metrics')).text()
        return /maestro_events_processed_total\{stream="usage"\} [2-9]/.test(text) && text
      },
      10_000,
      'the usage events to be processed',
    )
    const metrics = await (await server.api('/metrics')).text()
    expect(metrics).toMatch(/maestro_cache_hits_total\{cache="registry"\} [1-9]/)
    expect(metrics).toMatch(/maestro_cache_misses_total\{cache="registry"\} [1-9]/)
    expect(metrics).toMatch(/maestro_events_processed_total\{stream="requests"\} 1/)

    const cleared = await server.api('/api/v1/admin/cache/clear', {method: 'POST'})
    expect(cleared.status).toBe(200)
    const left: string[] = []
    for await (const keys of redis.scanIterator({MATCH: `${prefix}cache:entry:*`, COUNT: 1000}))
      left.push(...keys)
    expect(left).toEqual([])
    await server.close()
    expect(server.consumers!.stats().requests).toMatchObject({processed: 1, failed: 0})
  })

  it('keeps answering while Redis is down, says so in /health, and recovers', async () => {
    const redis = await startOwnRedis()
    const server = await startTestServer({
      env: {REDIS_URL: redis.url, REDIS_KEY_PREFIX: testPrefix(redis.url)},
    })
    await waitFor(async () => (await (await server.api('/health')).json()).redis === 'connected')
    const upload = {
      files: Object.fromEntries(
        Object.entries(createParameters('billing-service').files).map(([p, c]) => [
          p,
          {content: c, encoding: 'utf8'},
        ]),
      ),
    }
    expect((await server.api('/api/v1/templates', {json: upload})).status).toBe(201)
    expect((await server.api('/api/v1/templates/search', {json: {text: 'billing'}})).status).toBe(200)

    await redis.kill()
    const down = await server.api('/health')
    expect(down.status).toBe(200)
    expect(await down.json()).toMatchObject({
      status: 'degraded',
      redis: expect.stringMatching(/^unavailable: /),
      redis_latency_ms: null,
    })
    const search = await server.api('/api/v1/templates/search', {json: {text: 'billing'}})
    expect(search.status).toBe(200)
    expect((await search.json()).total).toBe(1)
    expect((await server.api('/api/v1/templates/billing-service/versions')).status).toBe(200)

    await redis.start()
    const up = await waitFor(async () => {
      const body = await (await server.api('/health')).json()
      return body.status === 'healthy' && body
    })
    expect(up.redis).toBe('connected')
    expect((await server.api('/api/v1/templates/search', {json: {text: 'billing'}})).status).toBe(200)
  })
})
