/**
 * The event bus on Redis Streams: XADD with `MAXLEN ~`, consumer groups created with
 * MKSTREAM, XREADGROUP, XAUTOCLAIM, XPENDING and XACK, and `SET NX GET` records.
 *
 * One connection serves the non-blocking commands; each consumer gets a connection of
 * its own for its blocking XREADGROUP, so one consumer waiting never delays another or a
 * request's XADD. Every connection reconnects by itself; commands fail fast while Redis
 * is unreachable and the consumers retry (see consumer.ts). Every command has a deadline
 * that also fires when Redis stalls with the socket open ({@link callRedis}).
 */
import type {Logger} from 'pino'

import {
  callRedis,
  connectRedis,
  disconnectRedis,
  firstConnection,
  pingRedis,
} from '../cache/redis-connection.js'
import type {RedisConnection} from '../cache/redis-connection.js'
import type {EventBus, Fields, GroupStatus, StreamEntry, StreamNames} from './bus.js'
import {deadLetterStream} from './bus.js'
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
 * Entries of a raw XREADGROUP/XRANGE reply (`[[id, [field, value, ...] | nil], ...]`).
 * Read raw because node-redis's own parser throws on the nil of an entry trimmed while
 * pending ("Cannot read properties of null"), which left a consumer stuck for good.
 */
function parseEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return []
  const out: StreamEntry[] = []
  for (const item of raw) {
    if (!Array.isArray(item) || item.length === 0) continue
    const id = String(item[0])
    const flat: unknown = item[1]
    if (!Array.isArray(flat)) {
      out.push({id, fields: null})
      continue
    }
    const fields: Fields = {}
    for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1])
    out.push({id, fields})
  }
  return out
}

/** The entries of the one stream of an XREADGROUP reply: `[[stream, entries]]` (RESP2), `{stream: entries}` (RESP3) or nil. */
function streamOfReply(reply: unknown): unknown {
  if (Array.isArray(reply)) return Array.isArray(reply[0]) ? (reply[0] as unknown[])[1] : undefined
  if (reply instanceof Map) return [...reply.values()][0]
  if (reply && typeof reply === 'object') return Object.values(reply)[0]
  return undefined
}

/** A map reply (XINFO): `[name, value, ...]` (RESP2) or a map (RESP3), as an object. */
function flatObject(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (raw instanceof Map) return Object.fromEntries([...raw].map(([k, v]) => [String(k), v as unknown]))
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) return {...(raw as Record<string, unknown>)}
  if (!Array.isArray(raw)) return out
  for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i])] = raw[i + 1]
  return out
}

function toCount(value: unknown): number | null {
  if (value === null || value === undefined) return null
  const n = Number(value)
  return Number.isFinite(n) ? n : null
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

  /** One command on `client` (default: the shared one), with its deadline. */
  #call<T>(
    call: (client: RedisConnection) => Promise<T>,
    client = this.#client,
    timeoutMs?: number,
  ): Promise<T> {
    return callRedis(client, call, timeoutMs === undefined ? {} : {timeoutMs})
  }

  get #trim() {
    return {TRIM: {strategy: 'MAXLEN' as const, strategyModifier: '~' as const, threshold: this.#maxLen}}
  }

  async add(stream: string, fields: Fields): Promise<string> {
    await firstConnection(this.#client)
    return this.#call((c) => c.xAdd(stream, '*', fields, this.#trim))
  }

  async addMany(stream: string, entries: readonly Fields[]): Promise<void> {
    if (entries.length === 0) return
    // A CLI command's usage events are flushed right after it started.
    await firstConnection(this.#client)
    await this.#call((c) => {
      const multi = c.multi()
      for (const fields of entries) multi.xAdd(stream, '*', fields, this.#trim)
      return multi.exec()
    })
  }

  async createGroup(stream: string, group: string): Promise<void> {
    try {
      await this.#call((c) => c.xGroupCreate(stream, group, '0', {MKSTREAM: true}))
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
        commandTimeoutMs: blockMs + 1000,
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
    const args = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', String(opts.count)]
    if (opts.blockMs) args.push('BLOCK', String(opts.blockMs))
    args.push('STREAMS', stream, from)
    // A blocked read waits up to blockMs for entries: its deadline starts after that.
    const timeoutMs = opts.blockMs ? opts.blockMs + 1000 : undefined
    const reply = await this.#call((c) => c.sendCommand(args), client, timeoutMs)
    return parseEntries(streamOfReply(reply))
  }

  async autoClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<StreamEntry[]> {
    // XAUTOCLAIM drops entries deleted from the stream from the pending list by itself.
    const reply = await this.#call((c) =>
      c.sendCommand([
        'XAUTOCLAIM',
        stream,
        group,
        consumer,
        String(minIdleMs),
        '0-0',
        'COUNT',
        String(count),
      ]),
    )
    return Array.isArray(reply) ? parseEntries(reply[1]) : []
  }

  async deliveries(stream: string, group: string, ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    if (ids.length === 0) return out
    const sorted = [...ids].sort()
    const rows = await this.#call((c) =>
      c.xPendingRange(stream, group, sorted[0]!, sorted[sorted.length - 1]!, 1000),
    )
    const wanted = new Set(ids)
    for (const row of rows) if (wanted.has(row.id)) out.set(row.id, Number(row.deliveriesCounter))
    return out
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#call((c) => c.xAck(stream, group, [...ids]))
  }

  async range(stream: string, start: string, end: string, count?: number): Promise<StreamEntry[]> {
    const rows = await this.#call((c) => c.xRange(stream, start, end, count ? {COUNT: count} : undefined))
    return ((rows ?? []) as RawEntry[]).map((m) => toEntry(m))
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<string | null> {
    const previous = await this.#call((c) =>
      c.set(key, value, {condition: 'NX', GET: true, expiration: {type: 'PX', value: ttlMs}}),
    )
    return previous ?? null
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#call((c) => c.set(key, value, {expiration: {type: 'PX', value: ttlMs}}))
  }

  async get(key: string): Promise<string | null> {
    return this.#call((c) => c.get(key))
  }

  async groupStatus(stream: string, group: string): Promise<GroupStatus> {
    const [groups, length, dead] = await Promise.all([
      this.#call((c) => c.sendCommand(['XINFO', 'GROUPS', stream])).catch(() => []),
      this.#call((c) => c.xLen(stream)),
      // entries-added counts every entry ever appended, so trimming never lowers it.
      this.#call((c) => c.sendCommand(['XINFO', 'STREAM', deadLetterStream(stream)])).then(
        (info) => {
          const o = flatObject(info)
          return toCount(o['entries-added']) ?? toCount(o.length) ?? 0
        },
        (err: unknown) => {
          if (/no such key/i.test((err as Error)?.message ?? '')) return 0
          throw err
        },
      ),
    ])
    const info = (Array.isArray(groups) ? groups : []).map(flatObject).find((g) => String(g.name) === group)
    return {
      length,
      pending: toCount(info?.pending) ?? 0,
      // nil when Redis cannot tell (entries deleted in the middle of the stream).
      lag: info ? toCount(info.lag) : length,
      dead_letters: dead,
    }
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
