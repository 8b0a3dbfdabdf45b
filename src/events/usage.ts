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
 * While the bus is down the buffer keeps up to `maxBuffered` events (the oldest are
 * dropped past that, with a warning): usage counts are worth less than the request.
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
  readonly #warn: (err: unknown, message?: string) => void
  #timer: NodeJS.Timeout | undefined
  #flushing: Promise<void> | undefined
  #dropped = 0

  constructor(
    bus: EventBus,
    opts: {flushMs?: number; batchSize?: number; maxBuffered?: number; logger?: Logger | undefined} = {},
  ) {
    this.#bus = bus
    this.#flushMs = opts.flushMs ?? 100
    this.#batchSize = opts.batchSize ?? 200
    this.#maxBuffered = opts.maxBuffered ?? 10_000
    this.#warn = rateLimitedWarning(opts.logger, 'events publisher')
  }

  get bus(): EventBus {
    return this.#bus
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
      this.#dropped += buffer.splice(0, buffer.length - this.#maxBuffered).length
      this.#warn(new Error(`${this.#dropped} events dropped so far`), 'events publisher: buffer full')
    }
    if (buffer.length >= this.#batchSize) void this.flush()
    else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), this.#flushMs)
      // A CLI command must not stay alive for a pending flush: close() flushes.
      this.#timer.unref()
    }
  }

  /** Appends what is buffered; what fails stays buffered for the next flush. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#flushing
    this.#flushing = (async () => {
      for (const [stream, buffer] of this.#buffers) {
        while (buffer.length > 0) {
          const batch = buffer.slice(0, this.#batchSize)
          try {
            await this.#bus.addMany(stream, batch)
          } catch (err) {
            this.#warn(err, 'events publisher: bus unavailable, events kept for a retry')
            if (!this.#timer) {
              this.#timer = setTimeout(() => void this.flush(), 1000)
              this.#timer.unref()
            }
            return
          }
          buffer.splice(0, batch.length)
        }
      }
    })()
    await this.#flushing
    this.#flushing = undefined
  }

  async close(): Promise<void> {
    await this.flush()
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = undefined
  }
}

/** Usage kinds that count as a use of the template; search hits are published but not counted. */
const COUNTED = new Set(['get', 'instantiate'])

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
