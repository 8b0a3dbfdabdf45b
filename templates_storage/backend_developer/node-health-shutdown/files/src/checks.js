/**
 * Readiness checks that need no driver: each opens a connection and speaks just enough of
 * the protocol to know the server answers, not merely that a port is open. Where the
 * service has a driver pool, a query through the pool (`() => pool.query('SELECT 1')`) is
 * a better check: it also proves the pool's credentials and slots.
 */
import {connect} from 'node:net'

/**
 * Sends `payload` on a new TCP connection and resolves with the first bytes received.
 * @param { {host: string, port: number, payload?: Buffer} } target
 * @returns {Promise<Buffer>}
 */
function exchange({host, port, payload}) {
  return new Promise((resolve, reject) => {
    const socket = connect({host, port})
    socket.once('connect', () => {
      if (payload) socket.write(payload)
      else {
        socket.destroy()
        resolve(Buffer.alloc(0))
      }
    })
    socket.once('data', (data) => {
      socket.destroy()
      resolve(data)
    })
    socket.once('error', reject)
    socket.once('end', () => reject(new Error(`${host}:${port} closed the connection`)))
  })
}

/** A TCP port accepts connections. */
export const tcpCheck = (host, port) => async () => {
  await exchange({host, port})
}
{%- if dependencies contains 'postgres' %}

/**
 * PostgreSQL answers an SSLRequest (the first message of every connection) with one byte,
 * S or N, before any authentication: a server that does is up and accepting connections.
 * @param {string} url postgres://user:pass@host:port/db
 */
export function postgresCheck(url) {
  const {hostname, port} = new URL(url)
  const sslRequest = Buffer.alloc(8)
  sslRequest.writeInt32BE(8, 0)
  sslRequest.writeInt32BE(80877103, 4)
  return async () => {
    const answer = await exchange({host: hostname, port: Number(port || 5432), payload: sslRequest})
    const byte = answer.subarray(0, 1).toString('latin1')
    if (byte !== 'S' && byte !== 'N') throw new Error(`not a PostgreSQL answer: ${JSON.stringify(answer.toString('latin1'))}`)
  }
}
{%- endif %}
{%- if dependencies contains 'redis' %}

/**
 * Redis answers PING with +PONG; a server that wants a password first answers -NOAUTH,
 * which also shows it is up.
 * @param {string} url redis://[:pass@]host:port
 */
export function redisCheck(url) {
  const {hostname, port} = new URL(url)
  return async () => {
    const answer = (await exchange({host: hostname, port: Number(port || 6379), payload: Buffer.from('PING\r\n')})).toString()
    if (!answer.startsWith('+PONG') && !answer.startsWith('-NOAUTH')) throw new Error(`unexpected answer to PING: ${answer.trim()}`)
  }
}
{%- endif %}
{%- if dependencies contains 'http' %}

/**
 * An upstream HTTP service answers its health URL with a 2xx.
 * @param {string} url
 * @param {number} timeoutMs
 */
export function httpCheck(url, timeoutMs = 2000) {
  return async () => {
    const res = await fetch(url, {signal: AbortSignal.timeout(timeoutMs), redirect: 'manual'})
    await res.body?.cancel()
    if (res.status < 200 || res.status > 299) throw new Error(`${url} answered ${res.status}`)
  }
}
{%- endif %}
