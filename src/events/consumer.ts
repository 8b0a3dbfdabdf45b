/**
 * One consumer of one stream in a consumer group, at least once:
 *
 * 1. On start (and after any failure, e.g. Redis restarted) it creates the group if
 *    missing and re-reads its own pending entries (XREADGROUP from id 0): work it was
 *    given before a crash is finished before anything new.
 * 2. Every `claimEveryMs` it takes over entries pending longer than `claimIdleMs`
 *    (XAUTOCLAIM), from consumers that died or from its own failed attempts.
 * 3. Otherwise it waits for new entries (XREADGROUP `>` with BLOCK).
 *
 * An entry is acknowledged only after its handler finished, effects and results written.
 * A handler that throws leaves its entries pending, to be retried; an entry delivered
 * `maxDeliveries` times without success (XPENDING's delivery count) is written to the
 * dead-letter stream `<stream>:dead` and acknowledged. `stop()` lets the batch in hand
 * finish and leaves anything not started pending for the next consumer.
 *
 * Nothing stops it for good: an entry trimmed from the stream (MAXLEN) while pending
 * comes back without fields and is dead-lettered as gone; an entry `malformed` rejects is
 * dead-lettered at once; when a batch fails, its entries are retried one by one, so a
 * poison entry is dead-lettered alone after `maxDeliveries` and its batch goes through.
 */
import type {Logger} from 'pino'

import {rateLimitedWarning} from '../cache/redis-connection.js'
import {isTransientError} from '../db/retry.js'
import type {EventBus, Fields, StreamEntry} from './bus.js'
import {deadLetterStream} from './bus.js'

/** An entry handed to a handler, with how many times it has been delivered. */
export interface Delivered {
  id: string
  fields: Fields
  deliveries: number
}

/** An entry given up on: `fields` is null when it was gone from the stream. */
export type DeadEntry = Omit<Delivered, 'fields'> & {fields: Fields | null}

export interface StreamConsumerOptions {
  bus: EventBus
  stream: string
  group: string
  /** Stable across restarts, so a restarted consumer finds its own pending entries. */
  consumer: string
  /** Runs the effects of a batch; throwing leaves the whole batch pending for a retry. */
  handle(batch: Delivered[]): Promise<void>
  /**
   * Why an entry cannot be processed, or undefined when it can: a malformed entry is
   * dead-lettered with that reason at once (retrying cannot fix it).
   */
  malformed?(fields: Fields): string | undefined
  /**
   * Called for an entry given up on, before it is written to the dead-letter stream
   * (with no fields when the entry was gone from the stream).
   */
  onDeadLetter?(entry: Delivered, reason: string): Promise<void>
  maxDeliveries: number
  claimIdleMs: number
  /** How often to look for stuck entries (default: claimIdleMs / 2, at most 5 s). */
  claimEveryMs?: number
  /** How long one XREADGROUP waits for new entries (default 1000 ms; bounds how long stop() waits). */
  blockMs?: number
  /** Entries per batch (default 1). */
  count?: number
  logger?: Logger | undefined
  /**
   * Runs after a batch's effects and before its XACK. For tests: throwing here is a
   * consumer dying between effect and acknowledgement.
   */
  onBeforeAck?(batch: readonly Delivered[]): Promise<void> | void
}

export interface ConsumerStats {
  /** Entries acknowledged after their handler succeeded. */
  processed: number
  /** Handler failures (the entries stayed pending). */
  failed: number
  /** Entries written to the dead-letter stream by this consumer (trimmed, malformed, poison). */
  dead_lettered: number
  /** Of those, entries trimmed or deleted from the stream while pending. */
  gone: number
  /** Of those, entries `malformed` rejected. */
  malformed: number
}

/**
 * @example
 * ```ts
 * const consumer = new StreamConsumer({bus, stream: bus.streams.usage, group: 'maestro-usage',
 *   consumer: 'host-1', maxDeliveries: 5, claimIdleMs: 60_000, handle: async (batch) => count(batch)})
 * consumer.start()
 * await consumer.stop()
 * ```
 */
export class StreamConsumer {
  readonly #o: StreamConsumerOptions
  readonly #warn: (err: unknown, message?: string) => void
  readonly #stats: ConsumerStats = {processed: 0, failed: 0, dead_lettered: 0, gone: 0, malformed: 0}
  #running: Promise<void> | undefined
  #stopping = false
  #draining = false
  #wakeSleep: (() => void) | undefined

  constructor(options: StreamConsumerOptions) {
    this.#o = options
    this.#warn = rateLimitedWarning(options.logger, `events consumer ${options.stream}`, 10_000)
  }

  get stats(): Readonly<ConsumerStats> {
    return {...this.#stats}
  }

  start(): void {
    this.#stopping = false
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined
    })
  }

  /**
   * Finishes the batch in hand, then stops. With `drain`, first processes every entry
   * already in the stream (an in-process bus, whose entries die with the process).
   */
  async stop(opts: {drain?: boolean} = {}): Promise<void> {
    if (opts.drain && this.#running) this.#draining = true
    else this.#stopping = true
    this.#wakeSleep?.()
    this.#o.bus.wake(this.#o.consumer)
    await this.#running
    this.#stopping = true
  }

  async #run(): Promise<void> {
    const o = this.#o
    const claimEveryMs = o.claimEveryMs ?? Math.min(Math.max(o.claimIdleMs / 2, 50), 5000)
    let needHistory = true
    let backoffMs = 0
    let lastClaim = Date.now()
    while (!this.#stopping) {
      try {
        if (needHistory) {
          await o.bus.createGroup(o.stream, o.group)
          await this.#finishOwnPending()
          needHistory = false
        }
        if (this.#stopping) break
        if (Date.now() - lastClaim >= claimEveryMs) {
          lastClaim = Date.now()
          const claimed = await o.bus.autoClaim(o.stream, o.group, o.consumer, o.claimIdleMs, o.count ?? 1)
          if (claimed.length > 0) {
            await this.#process(claimed, false)
            continue
          }
        }
        const fresh = await o.bus.readGroup(o.stream, o.group, o.consumer, '>', {
          count: o.count ?? 1,
          ...(this.#draining ? {} : {blockMs: Math.min(o.blockMs ?? 1000, claimEveryMs)}),
        })
        if (this.#draining && fresh.length === 0) break
        // Delivered but not started: left pending, for our next start or another consumer.
        if (this.#stopping) break
        if (fresh.length > 0) await this.#process(fresh, true)
        backoffMs = 0
      } catch (err) {
        if (this.#stopping || this.#draining) break
        this.#warn(err, 'events consumer: retrying')
        needHistory = true
        backoffMs = Math.min(backoffMs * 2 || 100, 2000)
        await this.#sleep(backoffMs)
      }
    }
  }

  /** Our own pending entries, oldest first, each read once (XREADGROUP from the last id seen). */
  async #finishOwnPending(): Promise<void> {
    const o = this.#o
    let after = '0'
    while (!this.#stopping) {
      const history = await o.bus.readGroup(o.stream, o.group, o.consumer, after, {count: o.count ?? 1})
      if (history.length === 0) return
      after = history[history.length - 1]!.id
      await this.#process(history, false)
    }
  }

  async #process(entries: StreamEntry[], firstDelivery: boolean): Promise<void> {
    const o = this.#o
    const done: Delivered[] = []
    // Entries trimmed or deleted while pending: their content is lost; say so, once.
    for (const entry of entries.filter((e) => e.fields === null)) {
      await this.#deadLetter(
        {id: entry.id, fields: null, deliveries: 0},
        'gone from the stream (trimmed by MAXLEN or deleted) before it was processed',
      )
      this.#stats.gone++
      done.push({id: entry.id, fields: {}, deliveries: 0})
    }
    const live = entries.filter((e): e is StreamEntry & {fields: Fields} => e.fields !== null)
    const counts = firstDelivery
      ? new Map<string, number>()
      : await o.bus.deliveries(
          o.stream,
          o.group,
          live.map((e) => e.id),
        )
    const batch: Delivered[] = []
    for (const e of live) {
      const entry = {id: e.id, fields: e.fields, deliveries: counts.get(e.id) ?? 1}
      const invalid = o.malformed?.(entry.fields)
      if (invalid !== undefined) {
        await this.#deadLetter(entry, `malformed: ${invalid}`)
        this.#stats.malformed++
        done.push(entry)
      } else if (entry.deliveries > o.maxDeliveries) {
        await this.#deadLetter(entry, `delivered ${entry.deliveries} times without being processed`)
        done.push(entry)
      } else batch.push(entry)
    }
    if (batch.length > 0) done.push(...(await this.#handle(batch)))
    if (done.length === 0) return
    await o.onBeforeAck?.(done)
    await o.bus.ack(
      o.stream,
      o.group,
      done.map((d) => d.id),
    )
  }

  /**
   * Runs the handler on a batch; returns the entries to acknowledge. A failed batch is
   * retried entry by entry, so one poison entry cannot hold (or dead-letter) the others.
   */
  async #handle(batch: Delivered[]): Promise<Delivered[]> {
    const o = this.#o
    try {
      await o.handle(batch)
      this.#stats.processed += batch.length
      return batch
    } catch (err) {
      // A database that is down fails every entry alike: splitting would only multiply the failures.
      if (batch.length > 1 && !isTransientError(err)) {
        const done: Delivered[] = []
        for (const entry of batch) done.push(...(await this.#handle([entry])))
        return done
      }
      this.#stats.failed += batch.length
      this.#warn(err, 'events consumer: handler failed; entries stay pending for a retry')
      const exhausted = batch.filter((d) => d.deliveries >= o.maxDeliveries)
      for (const entry of exhausted) {
        await this.#deadLetter(
          entry,
          `failed ${entry.deliveries} times: ${(err as Error)?.message || String(err)}`,
        )
      }
      return exhausted
    }
  }

  async #deadLetter(entry: DeadEntry, reason: string): Promise<void> {
    const o = this.#o
    // An entry gone from the stream is announced too (a request's result names its entry id).
    await o.onDeadLetter?.({...entry, fields: entry.fields ?? {}}, reason)
    await writeDeadLetter(o.bus, o, entry, reason)
    this.#stats.dead_lettered++
    o.logger?.warn({stream: o.stream, id: entry.id, reason}, 'events: entry moved to the dead-letter stream')
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms)
      this.#wakeSleep = () => {
        clearTimeout(timer)
        resolve()
      }
    })
  }
}

/**
 * Appends an entry given up on to `<stream>:dead`: its id, why, how many deliveries, and
 * its fields as one JSON string.
 *
 * @example
 * ```ts
 * await writeDeadLetter(bus, {stream, group, consumer}, entry, 'malformed: operation is missing')
 * ```
 */
export async function writeDeadLetter(
  bus: EventBus,
  where: {stream: string; group: string; consumer: string},
  entry: DeadEntry,
  reason: string,
): Promise<string> {
  return bus.add(deadLetterStream(where.stream), {
    original_id: entry.id,
    stream: where.stream,
    group: where.group,
    consumer: where.consumer,
    reason,
    deliveries: String(entry.deliveries),
    fields: JSON.stringify(entry.fields),
    failed_at: new Date().toISOString(),
  })
}
