/**
 * The request stream and tenants, on Redis (a plain XADD, as any producer would): writes
 * go to registered tenants only, never to a reserved name, and the result says why; no
 * repository appears for a refused tenant.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it, onTestFinished} from 'vitest'

import {openAuth} from '../../../src/auth/index.js'
import {StreamConsumer} from '../../../src/events/consumer.js'
import {requestProcessor} from '../../../src/events/handler.js'
import {decodeResult} from '../../../src/events/messages.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {testConfig} from '../../helpers/temp.js'
import {REDIS_URL, createParameters, makeBus, plainClient, testPrefix, waitFor} from './support.js'

describe.skipIf(!REDIS_URL)('request stream tenants (Redis)', () => {
  it('writes registered tenants only, never reserved names, and says why', async () => {
    const prefix = testPrefix()
    const bus = makeBus('redis', prefix)
    const config = testConfig()
    const registry = await openLocalRegistry({
      config,
      context: {tenant: 'local', user: 'test', role: 'admin'},
      bus,
      consumeUsage: false,
    })
    const accounts = await openAuth(config)
    await accounts.auth.createTenant({name: 'acme'})
    await accounts.close()
    const consumer = new StreamConsumer({
      bus,
      stream: bus.streams.requests,
      group: 'maestro',
      consumer: 'daemon-1',
      maxDeliveries: 3,
      claimIdleMs: 500,
      blockMs: 100,
      ...requestProcessor({registry, bus, group: 'maestro', consumer: 'daemon-1'}),
    })
    consumer.start()
    onTestFinished(async () => {
      await consumer.stop()
      await registry.close()
    })

    const redis = await plainClient(REDIS_URL!)
    // A file named `__proto__` too: the stream's file map keeps it like any other.
    const parameters = createParameters('billing-service')
    Object.defineProperty(parameters.files, 'files/__proto__', {value: 'kept', enumerable: true})
    Object.defineProperty(parameters.files, '__proto__', {value: 'kept too', enumerable: true})
    const send = (tenant: string, operation = 'create') =>
      redis.xAdd(bus.streams.requests, '*', {
        request_id: `req-${tenant}-${operation}`,
        template_id: 'billing-service',
        operation,
        tenant_id: tenant,
        user_id: 'ci-bot',
        parameters: JSON.stringify(parameters),
        timestamp: String(Date.now()),
      })
    const resultOf = (tenant: string, operation = 'create') =>
      waitFor(async () => {
        const entries = (await redis.xRange(bus.streams.results, '-', '+')) ?? []
        return entries
          .map((e) => decodeResult(e.message))
          .find((r) => r.request_id === `req-${tenant}-${operation}`)
      })

    for (const tenant of ['nosuchtenant', 'local', 'public', 'acme']) await send(tenant)
    await send('nosuchtenant', 'delete')

    const unknown = await resultOf('nosuchtenant')
    expect(unknown).toMatchObject({status: 'error', error_code: 'UNKNOWN_TENANT'})
    expect(unknown.error).toMatch(/not a registered tenant.*tenant create nosuchtenant/)
    expect(await resultOf('nosuchtenant', 'delete')).toMatchObject({error_code: 'UNKNOWN_TENANT'})
    const local = await resultOf('local')
    expect(local).toMatchObject({status: 'error', error_code: 'FORBIDDEN'})
    expect(local.error).toMatch(/reserved/)
    expect(await resultOf('public')).toMatchObject({status: 'error', error_code: 'FORBIDDEN'})
    // A registered tenant is written as before.
    expect(await resultOf('acme')).toMatchObject({status: 'success', result: {status: 'created'}})

    const stored = await registry
      .withContext({tenant: 'acme', user: 'test', role: 'viewer'})
      .getFiles('billing-service')
    expect([...stored.files.keys()]).toEqual(expect.arrayContaining(['files/__proto__', '__proto__']))

    const git = join(config.home, 'git')
    expect(existsSync(join(git, 'acme.git'))).toBe(true)
    for (const refused of ['nosuchtenant', 'local'])
      expect(existsSync(join(git, `${refused}.git`)), `${refused}.git was created`).toBe(false)
  })
})
