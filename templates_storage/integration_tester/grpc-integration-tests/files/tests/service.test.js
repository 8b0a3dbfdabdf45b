// Integration tests of {{ proto_package }}.{{ service_name }} over a real HTTP/2 connection.
// Without GRPC_TARGET they start the reference server on a free local port; with it
// (host:port) they test that deployment, with TLS when GRPC_TLS=1.
import assert from 'node:assert/strict'
import {randomUUID} from 'node:crypto'
import {after, before, describe, it} from 'node:test'

import * as grpc from '@grpc/grpc-js'

import {Service} from '../src/proto.js'
import {createServer, listen} from '../src/server.js'

const DEADLINE_MS = Number(process.env.GRPC_DEADLINE_MS ?? {{ deadline_ms }})
// An item the target has in stock, and one it never has.
const SKU = process.env.GRPC_TEST_SKU ?? 'SKU-1'
const MISSING_SKU = 'SKU-does-not-exist'

let server
let client

/** A unary call as a promise, with the suite's deadline. */
function call(method, request, deadline = Date.now() + DEADLINE_MS) {
  return new Promise((resolve, reject) => {
    client[method](request, {deadline}, (err, reply) => (err ? reject(err) : resolve(reply)))
  })
}

const withCode = (code) => (err) => {
  assert.equal(err.code, code, `expected ${grpc.status[code]}, got ${grpc.status[err.code]}: ${err.details}`)
  return true
}

before(async () => {
  let target = process.env.GRPC_TARGET
  if (!target) {
    server = createServer()
    target = `127.0.0.1:${await listen(server, 0)}`
  }
  const credentials = process.env.GRPC_TLS === '1' ? grpc.credentials.createSsl() : grpc.credentials.createInsecure()
  client = new Service(target, credentials)
  await new Promise((resolve, reject) =>
    client.waitForReady(Date.now() + DEADLINE_MS * 5, (err) => (err ? reject(err) : resolve())),
  )
})

after(() => {
  client?.close()
  server?.forceShutdown()
})

describe('GetItem', () => {
  it('returns an item with every field set', async () => {
    const item = await call('getItem', {sku: SKU})
    assert.equal(item.sku, SKU)
    assert.ok(item.name.length > 0)
    assert.ok(item.available >= 0)
    assert.match(item.price_cents, /^\d+$/, 'int64 arrives as a decimal string')
  })

  it('answers NOT_FOUND for an unknown SKU', async () => {
    await assert.rejects(call('getItem', {sku: MISSING_SKU}), withCode(grpc.status.NOT_FOUND))
  })

  it('honours the deadline', async () => {
    await assert.rejects(call('getItem', {sku: SKU}, Date.now() - 1), withCode(grpc.status.DEADLINE_EXCEEDED))
  })
})

describe('ReserveStock', () => {
  it('rejects a quantity below 1 with INVALID_ARGUMENT', async () => {
    const request = {reservation_id: randomUUID(), sku: SKU, quantity: 0}
    await assert.rejects(call('reserveStock', request), withCode(grpc.status.INVALID_ARGUMENT))
  })

  it('rejects more than is available with FAILED_PRECONDITION', async () => {
    const {available} = await call('getItem', {sku: SKU})
    const request = {reservation_id: randomUUID(), sku: SKU, quantity: available + 1}
    await assert.rejects(call('reserveStock', request), withCode(grpc.status.FAILED_PRECONDITION))
  })

  it('reserves once per reservation_id, however often it is retried', async () => {
    const before = (await call('getItem', {sku: SKU})).available
    const request = {reservation_id: randomUUID(), sku: SKU, quantity: 1}
    const first = await call('reserveStock', request)
    const retried = await call('reserveStock', request)
    assert.deepEqual(retried, first)
    assert.equal(first.remaining, before - 1)
    assert.equal((await call('getItem', {sku: SKU})).available, before - 1)
  })

  it('refuses to reuse a reservation_id for another request (ALREADY_EXISTS)', async () => {
    const id = randomUUID()
    await call('reserveStock', {reservation_id: id, sku: SKU, quantity: 1})
    await assert.rejects(
      call('reserveStock', {reservation_id: id, sku: SKU, quantity: 2}),
      withCode(grpc.status.ALREADY_EXISTS),
    )
  })
})
{%- if streaming %}

describe('WatchStock', () => {
  it('streams the current level, then each change', async () => {
    const stream = client.watchStock({sku: SKU}, {deadline: Date.now() + DEADLINE_MS * 5})
    const levels = []
    const two = new Promise((resolve, reject) => {
      stream.on('data', (level) => {
        levels.push(level.available)
        if (levels.length === 2) resolve()
      })
      stream.on('error', (err) => {
        if (err.code !== grpc.status.CANCELLED) reject(err)
      })
    })
    await new Promise((resolve) => stream.once('data', resolve))
    await call('reserveStock', {reservation_id: randomUUID(), sku: SKU, quantity: 1})
    await two
    stream.cancel()
    assert.equal(levels[1], levels[0] - 1)
  })

  it('ends with NOT_FOUND for an unknown SKU', async () => {
    const stream = client.watchStock({sku: MISSING_SKU}, {deadline: Date.now() + DEADLINE_MS})
    const err = await new Promise((resolve) => stream.on('error', resolve))
    withCode(grpc.status.NOT_FOUND)(err)
  })
})
{%- endif %}
