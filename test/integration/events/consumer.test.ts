/**
 * The request and usage consumers, at least once, on both buses from one test body: the
 * in-process bus always, Redis Streams when MAESTRO_TEST_REDIS_URL is set.
 */
import {createDb} from '../../../src/db/database.js'
import {TemplateIndex} from '../../../src/db/template-index.js'
import {join} from 'node:path'

import {describe, expect, it, onTestFinished} from 'vitest'

import {openAuth} from '../../../src/auth/index.js'
import {deadLetterStream} from '../../../src/events/bus.js'
import type {EventBus, Fields} from '../../../src/events/bus.js'
import {StreamConsumer} from '../../../src/events/consumer.js'
import type {Delivered} from '../../../src/events/consumer.js'
import {requestProcessor} from '../../../src/events/handler.js'
import type {TenantRegistries} from '../../../src/events/handler.js'
import {decodeResult} from '../../../src/events/messages.js'
import {usageCounter} from '../../../src/events/usage.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {testConfig} from '../../helpers/temp.js'
import {BUSES, REDIS_URL, createParameters, makeBus, plainClient, testPrefix, waitFor} from './support.js'

const ADMIN = {tenant: 'local', user: 'test', role: 'admin'} as const
const GROUP = 'maestro'

for (const {name: kind, enabled} of BUSES) {
  describe.skipIf(!enabled)(`events on the ${kind} bus`, () => {
    async function setup() {
      const prefix = testPrefix()
      const bus = makeBus(kind, prefix)
      const config = testConfig()
      const registry = await openLocalRegistry({config, context: ADMIN, bus, consumeUsage: false})
      // The stream writes registered tenants only.
      const accounts = await openAuth(config)
      for (const name of ['acme', 'globex']) await accounts.auth.createTenant({name})
      await accounts.close()
      // The real registry, counting how many times a request is run against it.
      const runs = {count: 0}
      const counted: TenantRegistries = {
        withContext: (context) => {
          runs.count++
          return registry.withContext(context)
        },
        isRegisteredTenant: (name) => registry.isRegisteredTenant(name),
      }
      const consumers: StreamConsumer[] = []
      const consumer = (
        name: string,
        opts: {
          registry?: TenantRegistries
          onBeforeAck?: (batch: readonly Delivered[]) => void | Promise<void>
          maxDeliveries?: number
          claimIdleMs?: number
        } = {},
      ) => {
        const c = new StreamConsumer({
          bus,
          stream: bus.streams.requests,
          group: GROUP,
          consumer: name,
          maxDeliveries: opts.maxDeliveries ?? 3,
          claimIdleMs: opts.claimIdleMs ?? 200,
          blockMs: 100,
          ...requestProcessor({registry: opts.registry ?? counted, bus, group: GROUP, consumer: name}),
          ...(opts.onBeforeAck ? {onBeforeAck: opts.onBeforeAck} : {}),
        })
        consumers.push(c)
        c.start()
        return c
      }
      /** Adds fields to a stream as an outside producer would: a raw XADD on Redis. */
      const produce = async (stream: string, fields: Fields): Promise<string> => {
        if (kind === 'redis') return (await plainClient(REDIS_URL!)).xAdd(stream, '*', fields)
        return bus.add(stream, fields)
      }
      const results = async (requestId: string) =>
        (await bus.range(bus.streams.results, '-', '+'))
          .map((e) => decodeResult(e.fields!))
          .filter((r) => r.request_id === requestId)
      let closed: Promise<void> | undefined
      const cleanup = () =>
        (closed ??= (async () => {
          for (const c of consumers) await c.stop()
          await registry.close()
        })())
      // Also when an assertion fails first: running consumers would keep the worker alive.
      onTestFinished(cleanup)
      /** A consumer that dies after its first effect, before acknowledging it. */
      const crashingConsumer = (name: string, opts: {claimIdleMs?: number} = {}) => {
        let crashed = false
        const doomed: StreamConsumer = consumer(name, {
          ...opts,
          onBeforeAck: () => {
            if (crashed) return
            crashed = true
            // The process dies here: no ack, and it reads nothing more.
            void doomed.stop()
            throw new Error('simulated crash between effect and ack')
          },
        })
        return {
          happened: async () => {
            await waitFor(() => crashed, 10_000, 'the crash')
            await doomed.stop()
          },
        }
      }
      return {bus, config, registry, runs, consumer, crashingConsumer, produce, results, cleanup}
    }

    it('answers a request added by a plain client on the results stream', async () => {
      const t = await setup()
      t.consumer('daemon-1')
      await t.produce(t.bus.streams.requests, {
        request_id: 'req-create-1',
        template_id: 'billing-service',
        operation: 'create',
        tenant_id: 'acme',
        user_id: 'ci-bot',
        parameters: JSON.stringify(createParameters('billing-service')),
        timestamp: new Date().toISOString(),
      })
      const [created] = await waitFor(() => t.results('req-create-1').then((r) => r.length > 0 && r))
      expect(created).toMatchObject({
        request_id: 'req-create-1',
        template_id: 'billing-service',
        status: 'success',
      })
      expect(created!.result).toMatchObject({
        status: 'created',
        template: {namespace: 'acme', name: 'billing-service'},
      })
      expect(created!.duration_ms).toBeGreaterThan(0)

      // No request_id: the entry id is the request id.
      const entryId = await t.produce(t.bus.streams.requests, {
        template_id: 'billing-service',
        operation: 'retrieve',
        tenant_id: 'acme',
      })
      const [read] = await waitFor(() => t.results(entryId).then((r) => r.length > 0 && r))
      expect(read!.status).toBe('success')
      expect(read!.result).toMatchObject({name: 'billing-service', namespace: 'acme', version: '0.1.0'})

      // Another tenant does not see acme's template; the answer is an error result, not a crash.
      await t.produce(t.bus.streams.requests, {
        request_id: 'req-other-tenant',
        template_id: 'billing-service',
        operation: 'retrieve',
        tenant_id: 'globex',
      })
      const [missing] = await waitFor(() => t.results('req-other-tenant').then((r) => r.length > 0 && r))
      expect(missing).toMatchObject({status: 'error', error_code: 'NOT_FOUND', result: null})

      // The public catalog is not writable through the stream.
      await t.produce(t.bus.streams.requests, {
        request_id: 'req-public',
        template_id: 'public-thing',
        operation: 'create',
        tenant_id: 'public',
        parameters: JSON.stringify(createParameters('public-thing')),
      })
      const [forbidden] = await waitFor(() => t.results('req-public').then((r) => r.length > 0 && r))
      expect(forbidden).toMatchObject({status: 'error', error_code: 'FORBIDDEN'})
      await t.cleanup()
    })

    it('runs a request exactly once when its consumer dies after the effect, before the ack', async () => {
      const t = await setup()
      const crash = t.crashingConsumer('daemon-1')
      await t.produce(t.bus.streams.requests, {
        request_id: 'req-once',
        template_id: 'ledger-service',
        operation: 'create',
        tenant_id: 'acme',
        parameters: JSON.stringify(createParameters('ledger-service')),
      })
      await crash.happened()
      const pendingBefore = await pendingCount(t.bus)
      expect(pendingBefore).toBe(1)

      // Another daemon claims the stuck entry once it has been idle long enough.
      t.consumer('daemon-2')
      await waitFor(async () => (await pendingCount(t.bus)) === 0, 10_000, 'the entry to be acknowledged')
      const results = await t.results('req-once')
      expect(results).toHaveLength(1)
      expect(results[0]).toMatchObject({status: 'success', result: {status: 'created'}})
      // Run once: the second consumer found the recorded result.
      expect(t.runs.count).toBe(1)
      const acme = t.registry.withContext({tenant: 'acme', user: 'test', role: 'editor'})
      expect(await acme.versions('ledger-service')).toHaveLength(1)
      await t.cleanup()
    })

    it('finishes its own pending entries first when restarted under the same name', async () => {
      const t = await setup()
      const crash = t.crashingConsumer('daemon-1', {claimIdleMs: 60_000})
      await t.produce(t.bus.streams.requests, {
        request_id: 'req-restart',
        template_id: 'audit-service',
        operation: 'create',
        tenant_id: 'acme',
        parameters: JSON.stringify(createParameters('audit-service')),
      })
      await crash.happened()
      // Restarted: claimIdleMs is a minute, so only re-reading its own history can find it.
      t.consumer('daemon-1', {claimIdleMs: 60_000})
      await waitFor(async () => (await pendingCount(t.bus)) === 0, 10_000, 'the entry to be acknowledged')
      expect(await t.results('req-restart')).toHaveLength(1)
      expect(t.runs.count).toBe(1)
      const acme = t.registry.withContext({tenant: 'acme', user: 'test', role: 'editor'})
      expect(await acme.versions('audit-service')).toHaveLength(1)
      await t.cleanup()
    })

    it('does a request sent twice under one request id once', async () => {
      const t = await setup()
      t.consumer('daemon-1')
      const request = {
        request_id: 'req-dup',
        template_id: 'billing-service',
        operation: 'create',
        tenant_id: 'acme',
        parameters: JSON.stringify(createParameters('billing-service')),
      }
      await t.produce(t.bus.streams.requests, request)
      await waitFor(() => t.results('req-dup').then((r) => r.length > 0))
      // The producer retries (it never saw the result), then deletes under a new id and retries that.
      await t.produce(t.bus.streams.requests, request)
      await t.produce(t.bus.streams.requests, {...request, request_id: 'req-del', operation: 'delete'})
      await t.produce(t.bus.streams.requests, {...request, request_id: 'req-del', operation: 'delete'})
      await waitFor(() => t.results('req-del').then((r) => r.length > 0))
      await waitFor(async () => (await pendingCount(t.bus)) === 0)
      expect(await t.results('req-dup')).toHaveLength(1)
      // Two distinct requests, each run once.
      expect(t.runs.count).toBe(2)
      const deleted = await t.results('req-del')
      // Deleted once: a second delete would have answered NOT_FOUND.
      expect(deleted).toHaveLength(1)
      expect(deleted[0]).toMatchObject({
        status: 'success',
        result: {name: 'billing-service', namespace: 'acme'},
      })
      await t.cleanup()
    })

    it('keeps request ids apart per tenant: the same id from two tenants runs both', async () => {
      const t = await setup()
      t.consumer('daemon-1')
      const request = (tenant: string) => ({
        request_id: 'req-same-id',
        template_id: 'shared-name',
        operation: 'create',
        tenant_id: tenant,
        parameters: JSON.stringify(createParameters('shared-name')),
      })
      await t.produce(t.bus.streams.requests, request('acme'))
      await waitFor(() => t.results('req-same-id').then((r) => r.length > 0))
      await t.produce(t.bus.streams.requests, request('globex'))
      await waitFor(() => t.results('req-same-id').then((r) => r.length > 1))
      const results = await t.results('req-same-id')
      expect(results.map((r) => (r.result as {template: {namespace: string}}).template.namespace)).toEqual([
        'acme',
        'globex',
      ])
      expect(t.runs.count).toBe(2)
      for (const tenant of ['acme', 'globex']) {
        const seen = t.registry.withContext({tenant, user: 'test', role: 'viewer'})
        expect((await seen.get('shared-name')).namespace).toBe(tenant)
      }
      await t.cleanup()
    })

    it('answers a malformed request with an error and sets it aside at once', async () => {
      const t = await setup()
      t.consumer('daemon-1')
      const id = await t.produce(t.bus.streams.requests, {
        request_id: 'req-bad',
        template_id: 'billing-service',
        operation: 'explode',
        tenant_id: 'acme',
      })
      await t.produce(t.bus.streams.requests, {
        request_id: 'req-bad-json',
        template_id: 'x',
        operation: 'retrieve',
        tenant_id: 'acme',
        parameters: '{nope',
      })
      const [bad] = await waitFor(() => t.results('req-bad').then((r) => r.length > 0 && r))
      expect(bad).toMatchObject({status: 'error', error_code: 'MALFORMED_REQUEST'})
      expect(bad!.error).toContain('operation must be one of retrieve, create, update, delete')
      const [badJson] = await waitFor(() => t.results('req-bad-json').then((r) => r.length > 0 && r))
      expect(badJson!.error).toContain('parameters must be a JSON object')
      const dead = await waitFor(() =>
        t.bus.range(deadLetterStream(t.bus.streams.requests), '-', '+').then((d) => d.length === 2 && d),
      )
      expect(dead[0]!.fields).toMatchObject({original_id: id, deliveries: '1'})
      expect(dead[0]!.fields!.reason).toMatch(/^malformed: operation/)
      expect(JSON.parse(dead[0]!.fields!.fields!)).toMatchObject({operation: 'explode'})
      await waitFor(async () => (await pendingCount(t.bus)) === 0)
      await t.cleanup()
    })

    it('moves a request that keeps failing to the dead-letter stream after N deliveries', async () => {
      const t = await setup()
      // A registry whose database is gone: every attempt fails with an unexpected error.
      const broken = await openLocalRegistry({config: testConfig(), context: ADMIN})
      await broken.close()
      t.consumer('daemon-1', {registry: broken, maxDeliveries: 3, claimIdleMs: 50})
      const id = await t.produce(t.bus.streams.requests, {
        request_id: 'req-poison',
        template_id: 'billing-service',
        operation: 'retrieve',
        tenant_id: 'acme',
      })
      const [dead] = await waitFor(
        () => t.bus.range(deadLetterStream(t.bus.streams.requests), '-', '+').then((d) => d.length > 0 && d),
        15_000,
        'the dead letter',
      )
      expect(dead!.fields).toMatchObject({original_id: id, deliveries: '3'})
      expect(dead!.fields!.reason).toMatch(/^failed 3 times: /)
      const [result] = await t.results('req-poison')
      expect(result).toMatchObject({status: 'error', error_code: 'DEAD_LETTERED'})
      await waitFor(async () => (await pendingCount(t.bus)) === 0)
      await t.cleanup()
    })

    it('counts gets and instantiations into usage counts, not search hits', async () => {
      const t = await setup()
      const acme = t.registry.withContext({tenant: 'acme', user: 'test', role: 'editor'})
      t.consumer('daemon-1')
      await t.produce(t.bus.streams.requests, {
        request_id: 'req-seed',
        template_id: 'billing-service',
        operation: 'create',
        tenant_id: 'acme',
        parameters: JSON.stringify(createParameters('billing-service')),
      })
      await waitFor(() => t.results('req-seed').then((r) => r.length > 0))
      const usage = new StreamConsumer({
        bus: t.bus,
        stream: t.bus.streams.usage,
        group: GROUP,
        consumer: 'daemon-1',
        maxDeliveries: 3,
        claimIdleMs: 1000,
        blockMs: 100,
        count: 100,
        handle: usageCounter((counts) => t.registry.addUsage(counts)),
      })
      usage.start()
      await acme.get('billing-service')
      await acme.get('billing-service')
      await acme.instantiate('billing-service')
      await acme.search({text: 'billing'})
      await acme.search({text: 'billing'})
      const db = createDb({url: `sqlite:${join(t.config.home, 'index.db')}`})
      const index = new TemplateIndex(db)
      const count = async () => (await index.findTemplate(['acme'], 'billing-service'))?.usage_count
      await waitFor(async () => (await count()) === 3, 10_000, 'usage_count 3')
      const events = await t.bus.range(t.bus.streams.usage, '-', '+')
      expect(events.map((e) => e.fields!.kind).sort()).toEqual([
        'get',
        'get',
        'instantiate',
        'search_hit',
        'search_hit',
      ])
      await new Promise((r) => setTimeout(r, 300))
      expect(await count()).toBe(3)
      await usage.stop()
      await db.destroy()
      await t.cleanup()
    })
  })
}

async function pendingCount(bus: EventBus): Promise<number> {
  // Every request entry ever added, asked for its delivery count: the pending ones answer.
  const entries = await bus.range(bus.streams.requests, '-', '+')
  return (
    await bus.deliveries(
      bus.streams.requests,
      GROUP,
      entries.map((e) => e.id),
    )
  ).size
}
