/**
 * node-redis clients as the cache and the event bus use them: commands fail fast while
 * Redis is unreachable (no offline queue, a command timeout) instead of hanging a
 * request, the client reconnects by itself with a capped backoff, and connection errors
 * become rate-limited warnings rather than unhandled `error` events.
 */
import {createRequire} from 'node:module'

import type {Logger} from 'pino'
import type * as NodeRedis from 'redis'

// node-redis is loaded the first time a client is made, not with this module: the
// cache and bus factories import this file on every command, and the library (1.7 MB
// bundled) would otherwise add ~100 ms to every CLI start without REDIS_URL.
const loadModule = createRequire(import.meta.url)

function newClient(url: string, commandTimeoutMs: number) {
  const {createClient} = loadModule('redis') as typeof NodeRedis
  return createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: {timeout: commandTimeoutMs},
    socket: {
      connectTimeout: 2000,
      // Retry forever, 50 ms doubling up to 2 s: Redis coming back is noticed within 2 s.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** Math.min(retries, 6), 2000),
    },
  })
}

export type RedisConnection = ReturnType<typeof newClient>

export interface RedisConnectionOptions {
  url: string
  logger?: Logger | undefined
  /** Shown in logs: which part of maestro-tpl this connection serves. */
  role: string
  /** Per-command timeout (ms); blocking connections pass their own. Default 1000. */
  commandTimeoutMs?: number
}

/**
 * Opens a client and starts connecting in the background: the caller never waits for
 * Redis to be up, and checks `client.isReady` (or handles a failed command) instead.
 *
 * @example
 * ```ts
 * const client = connectRedis({url: 'redis://127.0.0.1:6379', role: 'cache', logger})
 * if (client.isReady) await client.get('maestro:cache:epoch')
 * ```
 */
export function connectRedis(options: RedisConnectionOptions): RedisConnection {
  const warn = rateLimitedWarning(options.logger, `redis (${options.role})`)
  const client = newClient(options.url, options.commandTimeoutMs ?? 1000)
  let wasReady = false
  client.on('error', (err: Error) => warn(err))
  client.on('ready', () => {
    if (wasReady) options.logger?.info({role: options.role}, 'redis: reconnected')
    wasReady = true
  })
  const firstConnection = new Promise<void>((resolve) => {
    client.once('ready', () => resolve())
    // Settled by the first answer of any kind: later calls never wait for it again.
    client.once('error', () => resolve())
  })
  firstConnections.set(client, firstConnection)
  client.connect().catch((err: Error) => warn(err))
  return client
}

const firstConnections = new WeakMap<RedisConnection, Promise<void>>()

/**
 * Waits (at most `timeoutMs`) for a client's *first* connection, so a short-lived process
 * (a CLI command) does not skip an invalidation or an event because it asked before the
 * connection was up. Once the first attempt has succeeded or failed, it never waits:
 * a Redis that went down later fails fast.
 *
 * @example
 * ```ts
 * await firstConnection(client, 2000)
 * if (client.isReady) await client.set(key, value)
 * ```
 */
export async function firstConnection(client: RedisConnection, timeoutMs = 2000): Promise<void> {
  const first = firstConnections.get(client)
  if (!first || client.isReady) return
  let timer: NodeJS.Timeout | undefined
  await Promise.race([first, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
  clearTimeout(timer)
  firstConnections.delete(client)
}

/** Closes a client whatever state it is in (connected, reconnecting, never connected). */
export async function disconnectRedis(client: RedisConnection): Promise<void> {
  if (!client.isOpen) return
  try {
    if (client.isReady) await client.close()
    else client.destroy()
  } catch {
    client.destroy()
  }
}

/**
 * A logger of failures that says the first one at once and then at most one line per
 * `everyMs` with the count of those it left out, so an unreachable Redis does not flood the log.
 *
 * @example
 * ```ts
 * const warn = rateLimitedWarning(logger, 'cache')
 * warn(err) // logged; the next ones within 30 s are counted, not logged
 * ```
 */
export function rateLimitedWarning(
  logger: Logger | undefined,
  what: string,
  everyMs = 30_000,
): (err: unknown, message?: string) => void {
  let last = 0
  let suppressed = 0
  return (err, message = `${what} unavailable`) => {
    const now = Date.now()
    if (now - last < everyMs) {
      suppressed++
      return
    }
    last = now
    logger?.warn({err: (err as Error)?.message ?? String(err), suppressed}, message)
    suppressed = 0
  }
}

/**
 * Round trip to Redis in milliseconds; throws when it does not answer.
 *
 * @example
 * ```ts
 * const ms = await pingRedis(client) // 0.31
 * ```
 */
export async function pingRedis(client: RedisConnection): Promise<number> {
  if (!client.isReady) throw new Error('not connected')
  const started = process.hrtime.bigint()
  await client.ping()
  return Number(process.hrtime.bigint() - started) / 1e6
}
