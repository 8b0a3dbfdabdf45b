/**
 * A stalled Redis (SIGSTOP: the socket stays open and nothing answers) must not stall the
 * daemon (issue 22, item 3): /health answers within a second (degraded, with the reason),
 * reads fall through to the database, a publish goes on, and once Redis resumes nothing
 * is lost (the publish's invalidation and change event reach Redis).
 */
import {describe, expect, it, onTestFinished} from 'vitest'

import {streamNames} from '../../../src/events/bus.js'
import {startTestServer, templateUpload} from '../server/support.js'
import {REDIS_URL, plainClient, startOwnRedis, testPrefix, waitFor} from './support.js'

/** A request that fails the test instead of hanging it. */
async function timed(call: () => Promise<Response>, limitMs: number) {
  const started = Date.now()
  const response = await call()
  const body = await response.json()
  return {status: response.status, body, ms: Date.now() - started, limitMs}
}

describe.skipIf(!REDIS_URL)('daemon with a stalled Redis', () => {
  it('answers /health within a second, serves reads and publishes, and loses nothing after Redis resumes', async () => {
    const redis = await startOwnRedis()
    const prefix = testPrefix(redis.url)
    const server = await startTestServer({env: {REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix}})
    const signal = () => AbortSignal.timeout(15_000)
    await waitFor(async () => (await (await server.api('/health')).json()).redis === 'connected')
    expect(
      (await server.api('/api/v1/templates', {json: templateUpload({name: 'before-stall'})})).status,
    ).toBe(201)
    // Cached in Redis before the stall.
    expect((await server.api('/api/v1/templates/search', {json: {text: 'before'}})).status).toBe(200)

    redis.stall()
    // Continued before the cleanup hooks run (they close the daemon, which talks to Redis).
    onTestFinished(() => redis.resume())
    const health = await timed(() => server.api('/health', {signal: signal()}), 1000)
    expect(health.status).toBe(200)
    expect(health.body.status).toBe('degraded')
    expect(health.body.redis).toMatch(/^unavailable: stalled: no answer from Redis within \d+ ms$/)
    expect(health.ms).toBeLessThan(1000)
    // Once the stall is known, /health answers at once.
    const again = await timed(() => server.api('/health', {signal: signal()}), 1000)
    expect(again.ms).toBeLessThan(300)
    expect(again.body.redis).toMatch(/^unavailable: stalled: no answer from Redis for /)

    const search = await timed(
      () => server.api('/api/v1/templates/search', {json: {text: 'before stall'}, signal: signal()}),
      2000,
    )
    expect(search.status).toBe(200)
    expect(search.body.total).toBe(1)
    expect(search.ms).toBeLessThan(2000)
    const get = await timed(() => server.api('/api/v1/templates/before-stall', {signal: signal()}), 2000)
    expect(get.status).toBe(200)
    const publish = await timed(
      () => server.api('/api/v1/templates', {json: templateUpload({name: 'during-stall'}), signal: signal()}),
      5000,
    )
    expect(publish.status).toBe(201)
    expect(publish.ms).toBeLessThan(5000)
    // The new template is found while Redis is still stalled (the cache is bypassed).
    const found = await server.api('/api/v1/templates/search', {json: {text: 'during'}, signal: signal()})
    expect((await found.json()).total).toBe(1)

    // The publish's change event waits in the daemon, counted, while Redis answers nothing.
    const metrics = await timed(async () => {
      const response = await server.api('/metrics', {signal: signal()})
      return new Response(JSON.stringify(await response.text()))
    }, 2000)
    expect(metrics.ms).toBeLessThan(2000)
    expect(metrics.body).toMatch(/maestro_events_buffered [1-9]/)
    expect(metrics.body).toMatch(/maestro_events_dropped_total 0/)

    redis.resume()
    await waitFor(async () => (await (await server.api('/health')).json()).status === 'healthy', 10_000)
    // The search cached before the stall is not served stale: the deferred invalidation ran.
    const after = await (await server.api('/api/v1/templates/search', {json: {text: 'stall'}})).json()
    expect(after.items.map((t: {name: string}) => t.name).sort()).toEqual(['before-stall', 'during-stall'])
    // The change event of the publish made during the stall reached the stream.
    const client = await plainClient(redis.url)
    const changes = await waitFor(async () => {
      const entries = (await client.xRange(streamNames(prefix).changes, '-', '+')) ?? []
      return entries.some((e) => e?.message.name === 'during-stall') && entries
    }, 10_000)
    expect(changes.length).toBeGreaterThanOrEqual(2)
    const drained = await waitFor(async () => {
      const text = await (await server.api('/metrics')).text()
      return /maestro_events_buffered 0\n/.test(text) && text
    }, 10_000)
    expect(drained).toMatch(/maestro_events_published_total [1-9]/)
  })
})
