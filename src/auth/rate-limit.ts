/**
 * A fixed-window counter per key, in memory (per daemon process: behind a load balancer
 * each daemon counts on its own, so the effective limit is the limit times the daemons).
 */
import {RateLimitedError} from './errors.js'

/**
 * @example
 * ```ts
 * const limiter = new RateLimiter({limit: 5, windowMs: 60_000})
 * limiter.hit(`${ip}\0${username}`) // throws RateLimitedError on the 6th call within a minute
 * ```
 */
export class RateLimiter {
  readonly #limit: number
  readonly #windowMs: number
  readonly #now: () => number
  readonly #windows = new Map<string, {start: number; count: number}>()

  constructor(opts: {limit: number; windowMs: number; now?: () => number}) {
    this.#limit = opts.limit
    this.#windowMs = opts.windowMs
    this.#now = opts.now ?? Date.now
  }

  /** Counts one attempt for `key`; throws RateLimitedError (with Retry-After seconds) past the limit. */
  hit(key: string, what = 'attempts'): void {
    const now = this.#now()
    if (this.#windows.size > 10_000) this.#sweep(now)
    let window = this.#windows.get(key)
    if (!window || now - window.start >= this.#windowMs) {
      window = {start: now, count: 0}
      this.#windows.set(key, window)
    }
    window.count++
    if (window.count > this.#limit) {
      const retryAfter = Math.max(1, Math.ceil((window.start + this.#windowMs - now) / 1000))
      throw new RateLimitedError(`too many ${what}; try again in ${retryAfter} s`, retryAfter)
    }
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows)
      if (now - window.start >= this.#windowMs) this.#windows.delete(key)
  }
}
