/**
 * The usage publisher under load, on the real Redis: one flush at a time however many
 * events arrive while it runs, every event appended exactly once, and a bus that fails
 * does not turn every further event into another attempt (issue 22, item 2).
 */
import {setImmediate as nextTurn} from 'node:timers/promises'

import {describe, expect, it, onTestFinished} from 'vitest'

import type {EventBus, Fields} from '../../../src/events/bus.js'
import {RedisStreamsBus} from '../../../src/events/redis-streams-bus.js'
import {EventPublisher} from '../../../src/events/usage.js'
import {REDIS_URL, freePort, plainClient, testPrefix} from './support.js'

/** The real bus, with its appends counted: how many ran at once at most, and how many in all. */
function countingBus(bus: EventBus) {
  const seen = {calls: 0, inFlight: 0, maxInFlight: 0}
  const addMany = bus.addMany.bind(bus)
  bus.addMany = async (stream: string, entries: readonly Fields[]) => {
    seen.calls++
    seen.inFlight++
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight)
    try {
      await addMany(stream, entries)
    } finally {
      seen.inFlight--
    }
  }
  return seen
}

describe.skipIf(!REDIS_URL)('usage publisher on Redis', () => {
  it('appends 20,000 events arriving faster than Redis answers exactly once, one flush at a time', async () => {
    const prefix = testPrefix()
    const bus = new RedisStreamsBus({url: REDIS_URL!, prefix, maxLen: 100_000})
    onTestFinished(() => bus.close())
    await bus.ping().catch(() => undefined)
    const seen = countingBus(bus)
    const publisher = new EventPublisher(bus, {batchSize: 200, maxBuffered: 50_000})
    const total = 20_000
    const heapBefore = process.memoryUsage().heapUsed
    for (let i = 0; i < total; i++) {
      publisher.usage({template_id: `t-${i}`, namespace: 'public', tenant_id: 'acme', kind: 'get'})
      // Requests interleave with the network: let replies in now and then, not after every event.
      if (i % 500 === 499) await nextTurn()
    }
    await publisher.close()

    expect(seen.maxInFlight).toBe(1)
    // One append per full batch, give or take the partial ones at the edges of the turns.
    expect(seen.calls).toBeLessThanOrEqual(total / 200 + 50)
    expect(publisher.stats()).toMatchObject({published: total, buffered: 0, dropped: 0})
    const redis = await plainClient(REDIS_URL!)
    expect(await redis.xLen(bus.streams.usage)).toBe(total)
    const ids = new Set<string>()
    for (const entry of (await redis.xRange(bus.streams.usage, '-', '+')) ?? []) {
      if (entry) ids.add(entry.message.template_id ?? '')
    }
    expect(ids.size).toBe(total)
    // Not a leak detector by itself, but the old code held a promise chain per event here.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(200 * 1024 * 1024)
  })

  it('keeps a bounded buffer and retries on a timer, not per event, while Redis is unreachable', async () => {
    // A port nobody listens on: every append fails at once.
    const bus = new RedisStreamsBus({url: `redis://127.0.0.1:${await freePort()}`, prefix: 'unused:'})
    onTestFinished(() => bus.close())
    const seen = countingBus(bus)
    const publisher = new EventPublisher(bus, {batchSize: 100, maxBuffered: 1000, retryMs: 1000})
    const started = Date.now()
    for (let i = 0; i < 50_000; i++) {
      publisher.usage({template_id: `t-${i}`, namespace: 'public', tenant_id: 'acme', kind: 'get'})
      if (i % 100 === 99) await nextTurn()
    }
    const elapsedS = (Date.now() - started) / 1000
    const stats = publisher.stats()
    expect(stats.buffered).toBe(1000)
    expect(stats.dropped).toBe(49_000)
    // The first attempt, then one per retry interval.
    expect(seen.calls).toBeLessThanOrEqual(2 + Math.ceil(elapsedS))
    await publisher.close()
  })
})
