import assert from 'node:assert/strict'
import {once} from 'node:events'
{%- if dependencies contains 'http' %}
import {createServer as createHttpServer} from 'node:http'
{%- endif %}
import {createServer} from 'node:net'
import {describe, it} from 'node:test'

import * as probes from '../src/checks.js'

/** A TCP server on a free loopback port that answers every first message with `reply`. */
async function stub(reply) {
  const server = createServer((socket) => {
    socket.once('data', () => socket.end(reply))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return server
}

/** A loopback port nothing listens on. */
async function closedPort() {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const {port} = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('tcpCheck', () => {
  it('passes on an open port and fails on a closed one', async () => {
    const server = await stub('')
    try {
      await probes.tcpCheck('127.0.0.1', server.address().port)()
    } finally {
      server.close()
    }
    await assert.rejects(probes.tcpCheck('127.0.0.1', await closedPort())(), /ECONNREFUSED/)
  })
})
{%- if dependencies contains 'postgres' %}

describe('postgresCheck', () => {
  it('passes when the server answers the SSLRequest as PostgreSQL does', async () => {
    // A PostgreSQL server without TLS answers N; with TLS, S.
    for (const reply of ['N', 'S']) {
      const server = await stub(reply)
      try {
        await probes.postgresCheck(`postgres://app:secret@127.0.0.1:${server.address().port}/app`)()
      } finally {
        server.close()
      }
    }
  })

  it('fails on another protocol or no server', async () => {
    const server = await stub('HTTP/1.1 400 Bad Request\r\n\r\n')
    try {
      await assert.rejects(probes.postgresCheck(`postgres://127.0.0.1:${server.address().port}/app`)(), /not a PostgreSQL answer/)
    } finally {
      server.close()
    }
    await assert.rejects(probes.postgresCheck(`postgres://127.0.0.1:${await closedPort()}/app`)())
  })

  it('passes against a real server when DATABASE_URL is set', {skip: !process.env.DATABASE_URL}, async () => {
    await probes.postgresCheck(process.env.DATABASE_URL)()
  })
})
{%- endif %}
{%- if dependencies contains 'redis' %}

describe('redisCheck', () => {
  it('passes on PONG, and on NOAUTH from a server that wants a password', async () => {
    for (const reply of ['+PONG\r\n', '-NOAUTH Authentication required.\r\n']) {
      const server = await stub(reply)
      try {
        await probes.redisCheck(`redis://127.0.0.1:${server.address().port}`)()
      } finally {
        server.close()
      }
    }
  })

  it('fails on anything else', async () => {
    const server = await stub('-ERR unknown command\r\n')
    try {
      await assert.rejects(probes.redisCheck(`redis://127.0.0.1:${server.address().port}`)(), /unexpected answer/)
    } finally {
      server.close()
    }
  })

  it('passes against a real server when REDIS_URL is set', {skip: !process.env.REDIS_URL}, async () => {
    await probes.redisCheck(process.env.REDIS_URL)()
  })
})
{%- endif %}
{%- if dependencies contains 'http' %}

describe('httpCheck', () => {
  it('passes on 2xx and fails on anything else', async () => {
    let status = 200
    const server = createHttpServer((req, res) => {
      res.statusCode = status
      res.end()
    }).listen(0, '127.0.0.1')
    await once(server, 'listening')
    const url = `http://127.0.0.1:${server.address().port}/healthz`
    try {
      await probes.httpCheck(url)()
      status = 500
      await assert.rejects(probes.httpCheck(url)(), /answered 500/)
    } finally {
      server.close()
    }
  })
})
{%- endif %}
