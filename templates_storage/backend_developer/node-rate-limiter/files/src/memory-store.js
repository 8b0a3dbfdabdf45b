/**
 * In-process store for one server instance. Entries expire when their state stops
 * mattering, and the store holds at most `maxKeys` clients (least recently seen evicted),
 * so a flood of spoofed keys cannot exhaust memory.
 *
 * Several instances behind a load balancer each count on their own: for a shared limit,
 * implement `update` on Redis or PostgreSQL, atomically (a Lua script, a row lock) with
 * the same `consume` logic.
 */
export class MemoryStore {
  /** @param { {maxKeys?: number, now?: () => number} } [options] */
  constructor({maxKeys = 100_000, now = Date.now} = {}) {
    this.maxKeys = maxKeys
    this.now = now
    /** @type {Map<string, {state: unknown, expiresAt: number}>} */
    this.entries = new Map()
  }

  /**
   * Applies `step` to the key's state and keeps what it returns; synchronous, so atomic
   * within the process.
   * @template R
   * @param {string} key
   * @param {(state: any) => R & {state: unknown, ttlMs: number}} step
   * @returns {R}
   */
  update(key, step) {
    const now = this.now()
    const entry = this.entries.get(key)
    const state = entry && entry.expiresAt > now ? entry.state : undefined
    const result = step(state)
    // Delete then set: Map keeps insertion order, so the first key is the least recently seen.
    this.entries.delete(key)
    this.entries.set(key, {state: result.state, expiresAt: now + result.ttlMs})
    while (this.entries.size > this.maxKeys) {
      this.entries.delete(this.entries.keys().next().value)
    }
    return result
  }

  /** Drops expired entries; returns how many. Called on a timer by the limiter. */
  sweep() {
    const now = this.now()
    let dropped = 0
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key)
        dropped++
      }
    }
    return dropped
  }

  get size() {
    return this.entries.size
  }
}
