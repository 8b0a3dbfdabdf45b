/**
 * The event bus: append-only streams read by consumer groups, with the semantics of
 * Redis Streams. Two implementations chosen by configuration ({@link createEventBus}):
 * {@link InProcessBus} (embedded default, streams in this process's memory) and
 * {@link RedisStreamsBus} (shared by every daemon). Everything above this interface
 * (the consumers' at-least-once loop, idempotency, dead letters, the request handler) is
 * written once against it, so both buses behave the same.
 */

/** The streams of maestro-tpl, under a key prefix (default `maestro:`). */
export interface StreamNames {
  /** `maestro:streams:templates:requests`: retrieve/create/update/delete requests. */
  requests: string
  /** `maestro:streams:templates:results`: one result per request. */
  results: string
  /** `maestro:streams:templates:usage`: get, instantiate and search-hit events. */
  usage: string
  /** `maestro:streams:templates:changes`: one event per template write (create, update, delete). */
  changes: string
}

/**
 * @example
 * ```ts
 * streamNames('maestro:').requests // 'maestro:streams:templates:requests'
 * ```
 */
export function streamNames(prefix = 'maestro:'): StreamNames {
  const base = `${prefix}streams:templates:`
  return Object.freeze({
    requests: `${base}requests`,
    results: `${base}results`,
    usage: `${base}usage`,
    changes: `${base}changes`,
  })
}

/** The dead-letter stream of a stream: `<stream>:dead`. */
export function deadLetterStream(stream: string): string {
  return `${stream}:dead`
}

/** Fields of a stream entry: strings, as Redis stores them. */
export type Fields = Record<string, string>

export interface StreamEntry {
  id: string
  /** null when the entry was trimmed or deleted while pending. */
  fields: Fields | null
}

/** Where a consumer group stands on its stream, and what its dead-letter stream holds. */
export interface GroupStatus {
  /** Entries in the stream. */
  length: number
  /** Entries delivered to the group and not acknowledged yet. */
  pending: number
  /** Entries not yet delivered to the group; null when the bus cannot tell. */
  lag: number | null
  /** Entries ever written to the stream's dead-letter stream, by any process (0 without one). */
  dead_letters: number
}

export interface EventBus {
  readonly kind: 'in-process' | 'redis'
  /** Whether other processes see these streams (Redis) or only this one (in-process). */
  readonly shared: boolean
  readonly streams: StreamNames
  /** Prefix for the bus's own keys (idempotency records). */
  readonly keyPrefix: string
  /** Appends an entry (trimming the stream to about its bound); returns its id. */
  add(stream: string, fields: Fields): Promise<string>
  /** Appends several entries in one round trip. */
  addMany(stream: string, entries: readonly Fields[]): Promise<void>
  /** Creates the group (reading from the stream's start) and the stream if missing; idempotent. */
  createGroup(stream: string, group: string): Promise<void>
  /**
   * XREADGROUP: `'>'` for entries never delivered to the group (waiting up to `blockMs`
   * for some); an id (`'0'` to start) for this consumer's own pending entries after that
   * id (its history, re-read after a restart; each such read counts as a delivery).
   */
  readGroup(
    stream: string,
    group: string,
    consumer: string,
    from: string,
    opts: {count: number; blockMs?: number},
  ): Promise<StreamEntry[]>
  /** XAUTOCLAIM: takes over entries pending longer than `minIdleMs` from any consumer. */
  autoClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<StreamEntry[]>
  /** XPENDING: how many times each of `ids` was delivered (absent: not pending). */
  deliveries(stream: string, group: string, ids: readonly string[]): Promise<Map<string, number>>
  ack(stream: string, group: string, ids: readonly string[]): Promise<void>
  /** XRANGE, for readers of the results stream and tests. */
  range(stream: string, start: string, end: string, count?: number): Promise<StreamEntry[]>
  /** XINFO GROUPS / XLEN / XINFO STREAM of the dead-letter stream: the figures of metrics and stats. */
  groupStatus(stream: string, group: string): Promise<GroupStatus>
  /** SET NX GET with a TTL: stores `value` unless the key exists; returns the value already there, or null. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<string | null>
  set(key: string, value: string, ttlMs: number): Promise<void>
  get(key: string): Promise<string | null>
  /** Ends a blocked `readGroup` of `consumer` early (no-op where the block is short anyway). */
  wake(consumer: string): void
  /** Round trip in ms (0 in process); throws when the bus is down. */
  ping(): Promise<number>
  /** Wakes blocked readers and releases connections. */
  close(): Promise<void>
}

/** Whether an error says a consumer group (or its stream) is gone, e.g. after Redis lost its data. */
export function isMissingGroup(err: unknown): boolean {
  return /NOGROUP/.test((err as Error)?.message ?? '')
}
