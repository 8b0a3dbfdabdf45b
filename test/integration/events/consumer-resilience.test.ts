/**
 * Consumers never stop making progress (issue 22, item 4): entries trimmed by MAXLEN while
 * pending, malformed entries and a poison entry are each acknowledged, counted and
 * dead-lettered with the reason, while the good entries of the same batches are counted.
 * And the dead-letter figures come from the dead-letter stream itself (issue 12, defect 8).
 */
import {describe, expect, it, onTestFinished} from 'vitest'

import {deadLetterStream} from '../../../src/events/bus.js'
import {StreamConsumer} from '../../../src/events/consumer.js'
import {malformedUsage, usageCounter} from '../../../src/events/usage.js'
import {startTestServer} from '../server/support.js'
import {BUSES, REDIS_URL, makeBus, plainClient, testPrefix, waitFor} from './support.js'

const GROUP = 'maestro'

for (const {name: kind, enabled} of BUSES) {
  describe.skipIf(!enabled)(`usage consumer on the ${kind} bus`, () => {
    it('survives trimmed, malformed and poison entries and counts the rest', async () => {
      const bus = makeBus(kind, testPrefix())
      const stream = bus.streams.usage
      await bus.createGroup(stream, GROUP)
      // 20 entries delivered to this consumer, then trimmed away while pending (a crash, then MAXLEN).
      await bus.addMany(
        stream,
        Array.from({length: 20}, (_, i) => ({template_id: `old-${i}`, kind: 'get', namespace: 'public'})),
      )
      expect(await bus.readGroup(stream, GROUP, 'c1', '>', {count: 20})).toHaveLength(20)
      if (kind === 'redis') {
        const redis = await plainClient(REDIS_URL!)
        await redis.xTrim(stream, 'MAXLEN', 0)
      } else {
        // Nothing trims the in-process streams from outside: finish the old entries normally.
        await bus.ack(
          stream,
          GROUP,
          (await bus.range(stream, '-', '+')).map((e) => e.id),
        )
      }
      await bus.addMany(stream, [
        {template_id: 'good-1', kind: 'get', namespace: 'public'},
        {kind: 'get', namespace: 'public'}, // malformed: no template_id
        {template_id: 'poison', kind: 'get', namespace: 'public'},
        {template_id: 'good-2', kind: 'instantiate', namespace: 'public'},
      ])
      // The lag (the metric maestro_events_consumer_lag) counts what the group has not read yet.
      expect((await bus.groupStatus(stream, GROUP)).lag).toBe(4)
      const counted = new Map<string, number>()
      const consumer = new StreamConsumer({
        bus,
        stream,
        group: GROUP,
        consumer: 'c1',
        count: 500,
        maxDeliveries: 2,
        claimIdleMs: 100,
        blockMs: 100,
        malformed: malformedUsage,
        handle: usageCounter(async (counts) => {
          if (counts.has('poison')) throw new Error('poison: the database rejects this template id')
          for (const [id, n] of counts) counted.set(id, (counted.get(id) ?? 0) + n)
        }),
      })
      consumer.start()
      onTestFinished(() => consumer.stop())
      await waitFor(
        async () => {
          const status = await bus.groupStatus(stream, GROUP)
          return status.pending === 0 && status.lag === 0 && counted.size === 2
        },
        10_000,
        'every entry acknowledged',
      )
      expect(Object.fromEntries(counted)).toEqual({'good-1': 1, 'good-2': 1})
      expect(counted.has('poison')).toBe(false)
      const dead = await bus.range(deadLetterStream(stream), '-', '+')
      const reasons = dead.map((d) => d.fields!.reason!)
      const expectedGone = kind === 'redis' ? 20 : 0
      expect(reasons.filter((r) => r.startsWith('gone from the stream'))).toHaveLength(expectedGone)
      expect(reasons.filter((r) => r === 'malformed: template_id is missing')).toHaveLength(1)
      expect(reasons.filter((r) => r.startsWith('failed 2 times: poison'))).toHaveLength(1)
      expect(consumer.stats).toMatchObject({gone: expectedGone, malformed: 1, processed: 2})
      expect((await bus.groupStatus(stream, GROUP)).dead_letters).toBe(expectedGone + 2)
    })
  })
}

describe.skipIf(!REDIS_URL)('request consumer on Redis', () => {
  it('answers a request trimmed while pending with a DEAD_LETTERED result and goes on', async () => {
    const prefix = testPrefix()
    const bus = makeBus('redis', prefix)
    const stream = bus.streams.requests
    await bus.createGroup(stream, GROUP)
    const lost = await bus.add(stream, {template_id: 'x', operation: 'retrieve', tenant_id: 'local'})
    expect(await bus.readGroup(stream, GROUP, 'c1', '>', {count: 10})).toHaveLength(1)
    const redis = await plainClient(REDIS_URL!)
    await redis.xTrim(stream, 'MAXLEN', 0)
    const answered: string[] = []
    const consumer = new StreamConsumer({
      bus,
      stream,
      group: GROUP,
      consumer: 'c1',
      maxDeliveries: 3,
      claimIdleMs: 100,
      blockMs: 100,
      handle: async (batch) => {
        for (const entry of batch) answered.push(entry.fields.template_id!)
      },
      onDeadLetter: async (entry, reason) => {
        await bus.add(bus.streams.results, {request_id: entry.id, status: 'error', error: reason})
      },
    })
    consumer.start()
    onTestFinished(() => consumer.stop())
    await bus.add(stream, {template_id: 'after', operation: 'retrieve', tenant_id: 'local'})
    await waitFor(() => answered.includes('after'), 10_000, 'the next request')
    const results = await bus.range(bus.streams.results, '-', '+')
    expect(results.map((r) => r.fields)).toContainEqual(
      expect.objectContaining({request_id: lost, error: expect.stringMatching(/^gone from the stream/)}),
    )
    expect((await bus.groupStatus(stream, GROUP)).pending).toBe(0)
  })
})

describe.skipIf(!REDIS_URL)('dead-letter figures of the daemon', () => {
  it('reports every entry of the dead-letter stream in /admin/stats and /metrics, whoever wrote it', async () => {
    const prefix = testPrefix()
    const server = await startTestServer({env: {REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: prefix}})
    const redis = await plainClient(REDIS_URL!)
    const requests = `${prefix}streams:templates:requests`
    // A malformed request: the request handler answers it and dead-letters it at once.
    await redis.xAdd(requests, '*', {template_id: 'x', operation: 'explode', tenant_id: 'local'})
    // And one another daemon (or this one before a restart) set aside.
    await redis.xAdd(deadLetterStream(requests), '*', {original_id: '1-0', reason: 'from another daemon'})
    const stats = await waitFor(async () => {
      const body = await (await server.api('/api/v1/admin/stats')).json()
      const requests = body.events.consumers.requests
      // The dead letter is written just before the acknowledgement: wait for both.
      return requests.dead_lettered === 2 && requests.pending === 0 && body
    })
    expect(stats.events.consumers.requests).toMatchObject({pending: 0, lag: 0})
    const metrics = await (await server.api('/metrics')).text()
    expect(metrics).toMatch(/maestro_events_dead_lettered_total\{stream="requests"\} 2\n/)
    expect(metrics).toMatch(/maestro_events_consumer_lag\{stream="requests"\} 0\n/)
    expect(metrics).toMatch(/maestro_events_pending\{stream="usage"\} \d+\n/)
  })
})
