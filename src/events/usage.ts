/**
 * Usage and change events: published without slowing the request that causes them, and
 * the usage consumer that turns usage events into `templates.usage_count`.
 */
import type {Logger} from 'pino'

import {rateLimitedWarning} from '../cache/redis-connection.js'
import type {EventBus, Fields} from './bus.js'
import type {Delivered} from './consumer.js'
import type {ChangeEvent, UsageEvent} from './messages.js'
import {encodeChange, encodeUsage} from './messages.js'

/**
 * Buffers events in memory and appends them in batches (one round trip per batch) every
 * `flushMs` or once `batchSize` are waiting; `record()` never waits and never throws.
 *
 * At most one flush runs at a time: it drains every buffer, including what arrives while
 * it runs, so events pushed meanwhile never start flushes of their own (they used to
 * queue one more flush per event, each holding a promise, until the heap ran out).
 * When the bus fails (down, or stalled past its deadline), what was not appended stays
 * buffered and the next attempt waits `retryMs`: a full buffer does not retry per event.
 * The buffer keeps at most `maxBuffered` events per stream; past that the oldest are
 * dropped and counted ({@link EventPublisher.stats}): usage counts are worth less than the
 * request. A batch whose append timed out on a stalled Redis may have been written
 * anyway and is sent again: usage events are at least once.
 *
 * @example
 * ```ts
 * const events = new EventPublisher(bus, {logger})
 * events.usage({template_id, namespace: 'public', tenant_id: 'acme', kind: 'get'})
 * await events.close() // flushes
 * ```
 */
export class EventPublisher {
  readonly #bus: EventBus
  readonly #buffers = new Map<string, Fields[]>()
  readonly #flushMs: number
  readonly #batchSize: number
  readonly #maxBuffered: number
  readonly #retryMs: number
  readonly #warn: (err: unknown, message?: string) => void
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> | undefined
  /** Until when a size-triggered flush waits, after a failed one. */
  #retryAt = 0
  /** The batch being appended: the first `count` entries of `stream`'s buffer. */
  #sending: {stream: string; count: number} | undefined
  #dropped = 0
  #published = 0

  constructor(
    bus: EventBus,
    opts: {
      flushMs?: number
      batchSize?: number
      maxBuffered?: number
      retryMs?: number
      logger?: Logger | undefined
    } = {},
  ) {
    this.#bus = bus
    this.#flushMs = opts.flushMs ?? 100
    this.#batchSize = opts.batchSize ?? 200
    this.#maxBuffered = opts.maxBuffered ?? 10_000
    this.#retryMs = opts.retryMs ?? 1000
    this.#warn = rateLimitedWarning(opts.logger, 'events publisher')
  }

  get bus(): EventBus {
    return this.#bus
  }

  /** Events appended, buffered (waiting for the bus) and dropped (buffer full) since start. */
  stats(): {published: number; buffered: number; dropped: number; flushing: boolean} {
    let buffered = 0
    for (const buffer of this.#buffers.values()) buffered += buffer.length
    return {
      published: this.#published,
      buffered,
      dropped: this.#dropped,
      flushing: this.#flushing !== undefined,
    }
  }

  usage(event: UsageEvent): void {
    this.#push(this.#bus.streams.usage, encodeUsage(event))
  }

  change(event: ChangeEvent): void {
    this.#push(this.#bus.streams.changes, encodeChange(event))
  }

  #push(stream: string, fields: Fields): void {
    let buffer = this.#buffers.get(stream)
    if (!buffer) this.#buffers.set(stream, (buffer = []))
    buffer.push(fields)
    if (buffer.length > this.#maxBuffered) {
      // The oldest go, except the batch being appended right now (at the front).
      const sending = this.#sending?.stream === stream ? this.#sending.count : 0
      this.#dropped += buffer.splice(sending, buffer.length - this.#maxBuffered).length
      this.#warn(new Error(`${this.#dropped} events dropped so far`), 'events publisher: buffer full')
    }
    // A flush in progress takes this event too; after a failure the retry timer is due.
    if (this.#flushing || Date.now() < this.#retryAt) return
    if (buffer.length >= this.#batchSize) void this.flush()
    else this.#schedule(this.#flushMs)
  }

  #schedule(ms: number): void {
    if (this.#timer) return
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.flush()
    }, ms)
    // A CLI command must not stay alive for a pending flush: close() flushes.
    this.#timer.unref()
  }

  /** Appends what is buffered (joining the flush in progress, if any); what fails stays buffered. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined
    })
    return this.#flushing
  }

  async #drain(): Promise<void> {
    for (const [stream, buffer] of this.#buffers) {
      while (buffer.length > 0) {
        const batch = buffer.slice(0, this.#batchSize)
        this.#sending = {stream, count: batch.length}
        try {
          await this.#bus.addMany(stream, batch)
        } catch (err) {
          this.#sending = undefined
          this.#warn(err, 'events publisher: bus unavailable, events kept for a retry')
          this.#retryAt = Date.now() + this.#retryMs
          this.#schedule(this.#retryMs)
          return
        }
        this.#sending = undefined
        // Nothing else removes the batch (see #push), so it is still at the front.
        buffer.splice(0, batch.length)
        this.#published += batch.length
      }
    }
    this.#retryAt = 0
  }

  async close(): Promise<void> {
    await this.flush()
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
  }
}

/**
 * Usage kinds that count as a use of the template; search hits and project events
 * (register, update) are published but not counted.
 */
const COUNTED = new Set(['get', 'instantiate'])
const KINDS = new Set(['get', 'instantiate', 'search_hit', 'register', 'update'])

/**
 * The `malformed` check of the usage stream's consumer: why an entry is not a usage event.
 *
 * @example
 * ```ts
 * malformedUsage({kind: 'get'}) // 'template_id is missing'
 * ```
 */
export function malformedUsage(fields: Fields): string | undefined {
  if (!fields.template_id) return 'template_id is missing'
  if (fields.template_id.length > 300) return 'template_id is longer than 300 characters'
  if (!KINDS.has(fields.kind ?? ''))
    return `kind must be one of ${[...KINDS].join(', ')}, got ${JSON.stringify(fields.kind ?? null)}`
  return undefined
}

/**
 * The `handle` of the usage stream's consumer: adds each batch's gets and instantiations
 * to the templates' usage counts in one database transaction.
 *
 * Search hits are not counted: search ranks by usage, and counting appearances in
 * results would let whatever ranks first rank higher for that alone.
 *
 * @example
 * ```ts
 * new StreamConsumer({bus, stream: bus.streams.usage, group: 'maestro-usage', count: 500,
 *   handle: usageCounter((counts) => index.incrementUsageBy(counts)), ...})
 * ```
 */
export function usageCounter(
  increment: (counts: ReadonlyMap<string, number>) => Promise<void>,
): (batch: Delivered[]) => Promise<void> {
  return async (batch) => {
    const counts = new Map<string, number>()
    for (const {fields} of batch) {
      if (!COUNTED.has(fields.kind ?? '') || !fields.template_id) continue
      counts.set(fields.template_id, (counts.get(fields.template_id) ?? 0) + 1)
    }
    if (counts.size > 0) await increment(counts)
  }
}

export type {ChangeEvent, UsageEvent}
