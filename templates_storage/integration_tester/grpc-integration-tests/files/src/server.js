// Reference implementation of {{ service_name }}: in-memory stock, enough to run the
// integration tests locally and to show the status codes the contract promises.
import * as grpc from '@grpc/grpc-js'

import {Service} from './proto.js'

const SEED = [
  {sku: 'SKU-1', name: 'Blue mug', available: 10, price_cents: '1299'},
  {sku: 'SKU-2', name: 'Teapot', available: 1, price_cents: '3450'},
]

export function createServer() {
  const items = new Map(SEED.map((item) => [item.sku, {...item}]))
  const reservations = new Map()
{%- if streaming %}
  const watchers = new Set()
  const publish = (item) => {
    for (const watcher of watchers) if (watcher.sku === item.sku) watcher.call.write({sku: item.sku, available: item.available})
  }
{%- endif %}
  const fail = (callback, code, details) => callback({code, details})

  const server = new grpc.Server()
  server.addService(Service.service, {
    getItem(call, callback) {
      const item = items.get(call.request.sku)
      if (!item) return fail(callback, grpc.status.NOT_FOUND, `no item ${call.request.sku}`)
      callback(null, item)
    },
    reserveStock(call, callback) {
      const {reservation_id: id, sku, quantity} = call.request
      if (!id) return fail(callback, grpc.status.INVALID_ARGUMENT, 'reservation_id is required')
      if (quantity < 1) return fail(callback, grpc.status.INVALID_ARGUMENT, 'quantity must be at least 1')
      const previous = reservations.get(id)
      if (previous) {
        if (previous.sku !== sku || previous.quantity !== quantity)
          return fail(callback, grpc.status.ALREADY_EXISTS, `reservation ${id} exists with other values`)
        return callback(null, previous)
      }
      const item = items.get(sku)
      if (!item) return fail(callback, grpc.status.NOT_FOUND, `no item ${sku}`)
      if (item.available < quantity)
        return fail(callback, grpc.status.FAILED_PRECONDITION, `only ${item.available} of ${sku} left`)
      item.available -= quantity
      const reservation = {reservation_id: id, sku, quantity, remaining: item.available}
      reservations.set(id, reservation)
{%- if streaming %}
      publish(item)
{%- endif %}
      callback(null, reservation)
    },
{%- if streaming %}
    watchStock(call) {
      const item = items.get(call.request.sku)
      if (!item) {
        call.emit('error', {code: grpc.status.NOT_FOUND, details: `no item ${call.request.sku}`})
        return
      }
      const watcher = {sku: item.sku, call}
      watchers.add(watcher)
      call.write({sku: item.sku, available: item.available})
      call.on('cancelled', () => watchers.delete(watcher))
    },
{%- endif %}
  })
  return server
}

/** Binds the server; resolves with the port (0 picks a free one). */
export function listen(server, port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    )
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = await listen(createServer(), Number(process.env.PORT ?? {{ port }}), '0.0.0.0')
  console.log(`{{ proto_package }}.{{ service_name }} listening on :${port}`)
}
