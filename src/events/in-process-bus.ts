/**
 * Streams in this process's memory with the semantics of Redis Streams that maestro-tpl
 * relies on: entry ids `<ms>-<seq>`, consumer groups with a last-delivered id, a pending
 * entries list per group with delivery counts and idle times, XAUTOCLAIM, approximate
 * MAXLEN trimming and key/value records with a TTL. The embedded default: nothing to
 * install, and the same consumers run on it as on Redis.
 */
import type {EventBus, Fields, GroupStatus, StreamEntry, StreamNames} from './bus.js'
import {deadLetterStream, streamNames} from './bus.js'

interface PendingEntry {
  consumer: string
  deliveredAt: number
  deliveries: number
}

interface Group {
  lastDelivered: string
  pending: Map<string, PendingEntry>
}

interface Stream {
  entries: {id: string; fields: Fields}[]
  /** Entries ever appended (trimming does not lower it), like XINFO's entries-added. */
  added: number
  groups: Map<string, Group>
}

/** Compares two stream ids `<ms>-<seq>` numerically. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number]
  const [bm, bs] = b.split('-').map(Number) as [number, number]
  return am - bm || as - bs
}

/**
 * @example
 * ```ts
 * const bus = new InProcessBus()
 * await bus.createGroup(bus.streams.requests, 'maestro')
 * await bus.add(bus.streams.requests, {template_id: 'fastapi-service', operation: 'retrieve', tenant_id: 'acme'})
 * ```
 */
export class InProcessBus implements EventBus {
  readonly kind = 'in-process' as const
  readonly shared = false
  readonly streams: StreamNames
  readonly keyPrefix: string
  readonly #maxLen: number
  readonly #streams = new Map<string, Stream>()
  readonly #records = new Map<string, {value: string; expires: number}>()
  /** Blocked readers, by stream: an append wakes only the readers of its stream. */
  readonly #waiters = new Map<string, Set<() => void>>()
  #lastMs = 0
  #seq = 0
  #closed = false

  constructor(opts: {prefix?: string; maxLen?: number} = {}) {
    this.keyPrefix = opts.prefix ?? 'maestro:'
    this.streams = streamNames(this.keyPrefix)
    this.#maxLen = opts.maxLen ?? 100_000
  }

  #stream(name: string): Stream {
    let stream = this.#streams.get(name)
    if (!stream) this.#streams.set(name, (stream = {entries: [], added: 0, groups: new Map()}))
    return stream
  }

  #nextId(): string {
    const now = Date.now()
    if (now > this.#lastMs) {
      this.#lastMs = now
      this.#seq = 0
    } else this.#seq++
    return `${this.#lastMs}-${this.#seq}`
  }

  async add(stream: string, fields: Fields): Promise<string> {
    const id = this.#append(stream, fields)
    this.#wakeReaders(stream)
    return id
  }

  async addMany(stream: string, entries: readonly Fields[]): Promise<void> {
    for (const fields of entries) this.#append(stream, fields)
    this.#wakeReaders(stream)
  }

  #append(stream: string, fields: Fields): string {
    const s = this.#stream(stream)
    const id = this.#nextId()
    s.entries.push({id, fields: {...fields}})
    s.added++
    // Like MAXLEN ~: trim in chunks once the bound is passed by a tenth.
    if (s.entries.length > this.#maxLen * 1.1) s.entries.splice(0, s.entries.length - this.#maxLen)
    return id
  }

  #wakeReaders(stream?: string): void {
    const sets = stream === undefined ? [...this.#waiters.values()] : [this.#waiters.get(stream)]
    for (const set of sets) for (const wake of [...(set ?? [])]) wake()
  }

  async createGroup(stream: string, group: string): Promise<void> {
    const s = this.#stream(stream)
    if (!s.groups.has(group)) s.groups.set(group, {lastDelivered: '0-0', pending: new Map()})
  }

  #group(stream: string, group: string): Group {
    const g = this.#streams.get(stream)?.groups.get(group)
    if (!g) throw new Error(`NOGROUP No such key '${stream}' or consumer group '${group}'`)
    return g
  }

  /** Index of the first entry whose id is greater than `id` (entries are in id order). */
  #firstAfter(entries: readonly {id: string}[], id: string): number {
    let lo = 0
    let hi = entries.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compareIds(entries[mid]!.id, id) <= 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  #fields(stream: string, id: string): Fields | null {
    const entries = this.#streams.get(stream)?.entries ?? []
    // Entries are in id order: binary search.
    let lo = 0
    let hi = entries.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const cmp = compareIds(entries[mid]!.id, id)
      if (cmp === 0) return {...entries[mid]!.fields}
      if (cmp < 0) lo = mid + 1
      else hi = mid - 1
    }
    return null
  }

  async readGroup(
    stream: string,
    group: string,
    consumer: string,
    from: string,
    opts: {count: number; blockMs?: number},
  ): Promise<StreamEntry[]> {
    const g = this.#group(stream, group)
    const now = Date.now()
    if (from !== '>') {
      const own = [...g.pending.entries()]
        .filter(([id, p]) => p.consumer === consumer && compareIds(id, from === '0' ? '0-0' : from) > 0)
        .sort(([a], [b]) => compareIds(a, b))
        .slice(0, opts.count)
      return own.map(([id, p]) => {
        p.deliveries++
        p.deliveredAt = now
        return {id, fields: this.#fields(stream, id)}
      })
    }
    const entries = this.#stream(stream).entries
    const start = this.#firstAfter(entries, g.lastDelivered)
    const fresh = entries.slice(start, start + opts.count)
    if (fresh.length === 0 && opts.blockMs && !this.#closed) {
      await this.#wait(stream, opts.blockMs)
      return this.readGroup(stream, group, consumer, from, {count: opts.count})
    }
    for (const e of fresh) g.pending.set(e.id, {consumer, deliveredAt: now, deliveries: 1})
    if (fresh.length > 0) g.lastDelivered = fresh[fresh.length - 1]!.id
    return fresh.map((e) => ({id: e.id, fields: {...e.fields}}))
  }

  #wait(stream: string, ms: number): Promise<void> {
    let set = this.#waiters.get(stream)
    if (!set) this.#waiters.set(stream, (set = new Set()))
    const waiters = set
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        waiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      waiters.add(done)
    })
  }

  async autoClaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    count: number,
  ): Promise<StreamEntry[]> {
    const g = this.#group(stream, group)
    const now = Date.now()
    const out: StreamEntry[] = []
    for (const [id, p] of [...g.pending.entries()].sort(([a], [b]) => compareIds(a, b))) {
      if (out.length >= count) break
      if (now - p.deliveredAt < minIdleMs) continue
      const fields = this.#fields(stream, id)
      // Like XAUTOCLAIM, entries deleted from the stream leave the pending list.
      if (fields === null) {
        g.pending.delete(id)
        continue
      }
      p.consumer = consumer
      p.deliveries++
      p.deliveredAt = now
      out.push({id, fields})
    }
    return out
  }

  async deliveries(stream: string, group: string, ids: readonly string[]): Promise<Map<string, number>> {
    const g = this.#group(stream, group)
    const out = new Map<string, number>()
    for (const id of ids) {
      const p = g.pending.get(id)
      if (p) out.set(id, p.deliveries)
    }
    return out
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<void> {
    const g = this.#group(stream, group)
    for (const id of ids) g.pending.delete(id)
  }

  async range(stream: string, start: string, end: string, count = Infinity): Promise<StreamEntry[]> {
    const lo = start === '-' ? '0-0' : start
    const entries = this.#streams.get(stream)?.entries ?? []
    return entries
      .filter((e) => compareIds(e.id, lo) >= 0 && (end === '+' || compareIds(e.id, end) <= 0))
      .slice(0, count)
      .map((e) => ({id: e.id, fields: {...e.fields}}))
  }

  async groupStatus(stream: string, group: string): Promise<GroupStatus> {
    const s = this.#streams.get(stream)
    const g = s?.groups.get(group)
    const entries = s?.entries ?? []
    return {
      length: entries.length,
      pending: g?.pending.size ?? 0,
      lag: entries.length - (g ? this.#firstAfter(entries, g.lastDelivered) : 0),
      dead_letters: this.#streams.get(deadLetterStream(stream))?.added ?? 0,
    }
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<string | null> {
    const existing = this.#records.get(key)
    if (existing && existing.expires > Date.now()) return existing.value
    await this.set(key, value, ttlMs)
    return null
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#records.set(key, {value, expires: Date.now() + ttlMs})
    if (this.#records.size > 10_000) {
      const now = Date.now()
      for (const [k, r] of this.#records) if (r.expires <= now) this.#records.delete(k)
    }
  }

  async get(key: string): Promise<string | null> {
    const record = this.#records.get(key)
    return record && record.expires > Date.now() ? record.value : null
  }

  wake(): void {
    this.#wakeReaders()
  }

  async ping(): Promise<number> {
    return 0
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#wakeReaders()
  }
}
