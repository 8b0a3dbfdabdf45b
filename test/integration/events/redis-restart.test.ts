/**
 * A consumer on Redis Streams while Redis is killed and restarted (a redis-server of the
 * test's own, with an fsync'd append-only file): it reconnects and every request gets
 * its result, none lost.
 */
import {describe, expect, it} from 'vitest'

import {StreamConsumer} from '../../../src/events/consumer.js'
import {requestProcessor} from '../../../src/events/handler.js'
import {decodeResult} from '../../../src/events/messages.js'
import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {REDIS_URL, makeBus, plainClient, startOwnRedis, testPrefix, waitFor} from './support.js'

describe.skipIf(!REDIS_URL)('Redis Streams bus across a Redis restart', () => {
  it('reconnects and processes every request, losing none', async () => {
    const redis = await startOwnRedis()
    const prefix = testPrefix(redis.url)
    const bus = makeBus('redis', prefix, redis.url)
    const registry = await openLocalRegistry({
      config: testConfig(),
      context: {tenant: 'local', user: 'test', role: 'admin'},
      bus,
      consumeUsage: false,
    })
    const acme = registry.withContext({tenant: 'acme', user: 'test', role: 'editor'})
    await acme.publish({
      template: await loadTemplateDir(await writeTemplate(tempDir(), {name: 'billing-service'})),
    })
    await waitFor(async () => (await bus.ping().catch(() => -1)) >= 0, 10_000, 'the bus to connect')
    const consumer = new StreamConsumer({
      bus,
      stream: bus.streams.requests,
      group: 'maestro',
      consumer: 'daemon-1',
      maxDeliveries: 10,
      claimIdleMs: 500,
      blockMs: 200,
      // A slow consumer (50 ms a request), so Redis dies with work in every state.
      onBeforeAck: () => new Promise((r) => setTimeout(r, 50)),
      ...requestProcessor({registry, bus, group: 'maestro', consumer: 'daemon-1'}),
    })
    consumer.start()

    const send = async (ids: string[]) => {
      const producer = await plainClient(redis.url)
      for (const id of ids) {
        await producer.xAdd(bus.streams.requests, '*', {
          request_id: id,
          template_id: 'billing-service',
          operation: 'retrieve',
          tenant_id: 'acme',
        })
      }
      producer.destroy()
    }
    const answered = async () => {
      const entries = await bus.range(bus.streams.results, '-', '+').catch(() => [])
      return new Set(
        entries
          .map((e) => decodeResult(e.fields!))
          .filter((r) => r.status === 'success')
          .map((r) => r.request_id),
      )
    }
    const before = Array.from({length: 20}, (_, i) => `before-${i}`)
    const after = Array.from({length: 20}, (_, i) => `after-${i}`)

    await send(before)
    const early = await waitFor(
      async () => {
        const ids = await answered()
        return ids.size >= 3 && ids
      },
      10_000,
      'the first results',
    )
    expect(early.size).toBeLessThan(20)
    // Killed mid-stream: some requests answered, some delivered and not acknowledged, some not read.
    await redis.kill()
    expect((await answered()).size).toBe(0) // the results are out of reach while Redis is down
    await new Promise((r) => setTimeout(r, 500))
    await redis.start()
    await send(after)

    const done = await waitFor(
      async () => {
        const ids = await answered()
        return [...before, ...after].every((id) => ids.has(id)) && ids
      },
      30_000,
      'every request to be answered',
    )
    expect(done.size).toBe(40)
    await consumer.stop()
    await registry.close()
  })
})
