/**
 * The event bus on Redis Streams: XADD with `MAXLEN ~`, consumer groups created with
 * MKSTREAM, XREADGROUP, XAUTOCLAIM, XPENDING and XACK, and `SET NX GET` records.
 *
 * One connection serves the non-blocking commands; each consumer gets a connection of
 * its own for its blocking XREADGROUP, so one consumer waiting never delays another or a
 * request's XADD. Every connection reconnects by itself; commands fail fast while Redis
 * is unreachable and the consumers retry (see consumer.ts).
 */
import type {Logger} from 'pino'

import {connectRedis, disconnectRedis, firstConnection, pingRedis} from '../cache/redis-connection.js'
import type {RedisConnection} from '../cache/redis-connection.js'
import type {EventBus, Fields, StreamEntry, StreamNames} from './bus.js'
import {streamNames} from './bus.js'

export interface RedisStreamsBusOptions {
  url: string
  /** Key prefix (default `maestro:`): streams are `<prefix>streams:templates:*`. */
  prefix?: string
  /** Approximate bound of every stream (XADD MAXLEN ~). */
  maxLen?: number
  logger?: Logger | undefined
}

type RawEntry = {id: string; message: Record<string, string>} | null

function toEntry(raw: RawEntry, id?: string): StreamEntry {
  if (raw === null) return {id: id ?? '', fields: null}
  return {id: raw.id, fields: raw.message === null ? null : {...raw.message}}
}

/**
 * @example
 * ```ts
 * const bus = new RedisStreamsBus({url: 'redis://127.0.0.1:6379', logger})
 * await bus.add(bus.streams.requests, {template_id: 'fastapi-service', operation: 'retrieve', tenant_id: 'acme'})
 * ```
 */
export class RedisStreamsBus implements EventBus {
  readonly kind = 'redis' as const
  readonly shared = true
  readonly streams: StreamNames
  readonly keyPrefix: string
  readonly #url: string
  readonly #logger: Logger | undefined
  readonly #maxLen: number
  readonly #client: RedisConnection
  readonly #blocking = new Map<string, RedisConnection>()

  constructor(options: RedisStreamsBusOptions) {
    this.#url = options.url
    this.#logger = options.logger
    this.keyPrefix = options.prefix ?? 'maestro:'
    this.streams = streamNames(this.keyPrefix)
    this.#maxLen = options.maxLen ?? 100_000
    this.#client = connectRedis({url: options.url, logger: options.logger, role: 'events'})
  }

  #ready(client = this.#client): RedisConnection {
    if (!client.isReady) throw new Error('redis (events) is not connected')
    return client
  }

  get #trim() {
    return {TRIM: {strategy: 'MAXLEN' as const, strategyModifier: '~' as const, threshold: this.#maxLen}}
  }

  async add(stream: string, fields: Fields): Promise<string> {
    await firstConnection(this.#client)
    return this.#ready().xAdd(stream, '*', fields, this.#trim)
  }

  async addMany(stream: string, entries: readonly Fields[]): Promise<void> {
    if (entries.length === 0) return
    // A CLI command's usage events are flushed right after it started.
    await firstConnection(this.#client)
    const multi = this.#ready().multi()
    for (const fields of entries) multi.xAdd(stream, '*', fields, this.#trim)
    await multi.exec()
  }

  async createGroup(stream: string, group: string): Promise<void> {
    try {
      await this.#ready().xGroupCreate(stream, group, '0', {MKSTREAM: true})
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err
    }
  }

  /** The consumer's own connection for blocking reads; its command timeout outlasts the block. */
  #blockingClient(consumer: string, blockMs: number): RedisConnection {
    let client = this.#blocking.get(consumer)
    if (!client) {
      client = connectRedis({
        url: this.#url,
        logger: this.#logger,
        role: `events consumer ${consumer}`,
        commandTimeoutMs: blockMs + 5000,
      })
      this.#blocking.set(consumer, client)
    }
    return client
  }

  async readGroup(
    stream: string,
    group: string,
    consumer: string,
    from: string,
    opts: {count: number; blockMs?: number},
  ): Promise<StreamEntry[]> {
    const client = opts.blockMs ? this.#blockingClient(consumer, opts.blockMs) : this.#client
    const reply = (await this.#ready(client).xReadGroup(
      group,
      consumer,
      {key: stream, id: from},
      {COUNT: opts.count, ...(opts.blockMs ? {BLOCK: opts.blockMs} : {})},
    )) as {name: string; messages: RawEntry[]}[] | null
    return (reply?.[0]?.messages ?? []).map((m) => toEntry(m))
  }

  async autoClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<StreamEntry[]> {
    const reply = await this.#ready().xAutoClaim(stream, group, consumer, minIdleMs, '0-0', {COUNT: count})
    return (reply.messages as RawEntry[]).filter((m) => m !== null).map((m) => toEntry(m))
  }

  async deliveries(stream: string, group: string, ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    if (ids.length === 0) return out
    const sorted = [...ids].sort()
    const rows = await this.#ready().xPendingRange(
      stream,
      group,
      sorted[0]!,
      sorted[sorted.length - 1]!,
      1000,
    )
    const wanted = new Set(ids)
    for (const row of rows) if (wanted.has(row.id)) out.set(row.id, Number(row.deliveriesCounter))
    return out
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#ready().xAck(stream, group, [...ids])
  }

  async range(stream: string, start: string, end: string, count?: number): Promise<StreamEntry[]> {
    const rows = await this.#ready().xRange(stream, start, end, count ? {COUNT: count} : undefined)
    return (rows as RawEntry[]).map((m) => toEntry(m))
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<string | null> {
    const previous = await this.#ready().set(key, value, {
      condition: 'NX',
      GET: true,
      expiration: {type: 'PX', value: ttlMs},
    })
    return (previous as string | null) ?? null
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#ready().set(key, value, {expiration: {type: 'PX', value: ttlMs}})
  }

  async get(key: string): Promise<string | null> {
    return this.#ready().get(key)
  }

  /** A blocked XREADGROUP ends within its BLOCK (1 s by default): not worth a reconnect. */
  wake(): void {}

  ping(): Promise<number> {
    return pingRedis(this.#client)
  }

  async close(): Promise<void> {
    // Blocking connections first: destroying them ends a pending XREADGROUP at once.
    for (const client of this.#blocking.values()) client.destroy()
    this.#blocking.clear()
    await disconnectRedis(this.#client)
  }
}
