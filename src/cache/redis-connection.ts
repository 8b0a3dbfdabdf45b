/**
 * node-redis clients as the cache and the event bus use them: commands fail fast while
 * Redis is unreachable (no offline queue, a command timeout) instead of hanging a
 * request, the client reconnects by itself with a capped backoff, and connection errors
 * become rate-limited warnings rather than unhandled `error` events.
 *
 * node-redis's command timeout only covers a command until it is written: a Redis that
 * stopped answering on an open socket (SIGSTOP, a frozen VM, a full network buffer) would
 * hold every written command forever. Every call therefore goes through
 * {@link callRedis}, whose deadline also fires on a written command; the first missed
 * deadline marks the connection stalled, and further calls fail at once (one PING stays
 * outstanding as a probe) until Redis answers again.
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
  const state: LinkState = {timeoutMs: options.commandTimeoutMs ?? 1000, probing: false}
  links.set(client, state)
  client.on('error', (err: Error) => warn(err))
  client.on('ready', () => {
    if (wasReady) options.logger?.info({role: options.role}, 'redis: reconnected')
    wasReady = true
    // A new socket: whatever stalled the old one is behind us.
    state.stalledSince = undefined
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

interface LinkState {
  /** The deadline of a call (ms): the connection's command timeout. */
  timeoutMs: number
  /** Set when a call missed its deadline; cleared when Redis answers again. */
  stalledSince?: number | undefined
  /** Whether the probe PING of a stalled connection is outstanding. */
  probing: boolean
}

const links = new WeakMap<RedisConnection, LinkState>()

/** A call to Redis that got no answer within its deadline. */
export class RedisDeadlineError extends Error {
  override readonly name = 'RedisDeadlineError'
}

/**
 * Runs one call (a command, a MULTI's exec, a script) on `client` with a deadline that
 * also fires when the command was written and Redis never answers. Throws at once when
 * the client is not connected, or while the connection is stalled.
 *
 * A call given up on is not cancelled: if Redis answers later its effect happens (an XADD
 * is appended). Callers retry what matters, so the effect is at least once.
 *
 * @example
 * ```ts
 * const id = await callRedis(client, (c) => c.xAdd(stream, '*', fields))
 * const value = await callRedis(client, (c) => c.get(key), {timeoutMs: 300})
 * ```
 */
export async function callRedis<T>(
  client: RedisConnection,
  call: (client: RedisConnection) => Promise<T>,
  opts: {timeoutMs?: number; waitForFirstConnection?: boolean} = {},
): Promise<T> {
  // A short-lived process asks right after start: give the first connection its chance.
  if (opts.waitForFirstConnection !== false) await firstConnection(client)
  if (!client.isReady) throw new Error('not connected')
  const state = links.get(client) ?? {timeoutMs: 1000, probing: false}
  if (state.stalledSince !== undefined) {
    probe(client, state)
    throw new RedisDeadlineError(stalledReason(state))
  }
  const timeoutMs = opts.timeoutMs ?? state.timeoutMs
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      state.stalledSince ??= Date.now() - timeoutMs
      reject(new RedisDeadlineError(`stalled: no answer from Redis within ${timeoutMs} ms`))
    }, timeoutMs)
  })
  const pending = call(client)
  // A call given up on may still fail later: that is not an unhandled rejection.
  pending.catch(() => {})
  try {
    return await Promise.race([pending, deadline])
  } catch (err) {
    // node-redis's own timeout (a TimeoutError without a message): the command could not
    // even be written. Said in words, since /health shows it.
    if ((err as Error)?.constructor?.name === 'TimeoutError') {
      state.stalledSince ??= Date.now() - timeoutMs
      throw new RedisDeadlineError(`stalled: the command could not be sent to Redis within ${timeoutMs} ms`, {
        cause: err,
      })
    }
    throw err
  } finally {
    clearTimeout(timer)
  }
}

function stalledReason(state: LinkState): string {
  const seconds = ((Date.now() - (state.stalledSince ?? Date.now())) / 1000).toFixed(1)
  return `stalled: no answer from Redis for ${seconds} s`
}

/** One PING at a time on a stalled connection; its answer ends the stall. */
function probe(client: RedisConnection, state: LinkState): void {
  if (state.probing) return
  state.probing = true
  client.ping().then(
    () => {
      state.probing = false
      state.stalledSince = undefined
    },
    () => {
      state.probing = false
    },
  )
}

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
 * Round trip to Redis in milliseconds; throws when it does not answer within `timeoutMs`
 * (short: /health must answer within a second whatever Redis does).
 *
 * @example
 * ```ts
 * const ms = await pingRedis(client) // 0.31
 * ```
 */
export async function pingRedis(client: RedisConnection, timeoutMs = 500): Promise<number> {
  const started = process.hrtime.bigint()
  // A health check says how Redis is now: it does not wait for a first connection.
  await callRedis(client, (c) => c.ping(), {timeoutMs, waitForFirstConnection: false})
  return Number(process.hrtime.bigint() - started) / 1e6
}
