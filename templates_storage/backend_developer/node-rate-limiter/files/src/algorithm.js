{%- if algorithm == 'token-bucket' -%}
/**
 * Token bucket: a bucket of `limit` tokens refilled continuously, so that a whole bucket
 * refills in `windowMs`. Allows bursts up to the bucket size, then a steady rate.
 *
 * A pure function of (state, now): the store decides where state lives and makes the
 * read-modify-write atomic.
 *
 * @param { {tokens: number, updatedAt: number} | undefined} state
 * @param {number} now epoch milliseconds
 * @param { {limit: number, windowMs: number} } config
 */
export function consume(state, now, {limit, windowMs}) {
  const ratePerMs = limit / windowMs
  const elapsed = state ? Math.max(0, now - state.updatedAt) : 0
  const available = state ? Math.min(limit, state.tokens + elapsed * ratePerMs) : limit
  const allowed = available >= 1
  const tokens = allowed ? available - 1 : available
  return {
    state: {tokens, updatedAt: now},
    allowed,
    remaining: Math.floor(tokens),
    // Until the bucket is full again: when the client's budget is back to `limit`.
    resetMs: Math.ceil((limit - tokens) / ratePerMs),
    retryAfterMs: allowed ? 0 : Math.ceil((1 - tokens) / ratePerMs),
    // How long the state matters: after this the bucket is full and can be forgotten.
    ttlMs: Math.ceil((limit - tokens) / ratePerMs) + 1,
  }
}
{%- elsif algorithm == 'sliding-window' -%}
/**
 * Sliding window counter: the count of the current fixed window plus the previous
 * window's count weighted by how much of it still overlaps the rolling window. Smooths
 * the burst a fixed window allows at its boundary, in constant memory per client.
 *
 * A pure function of (state, now): the store decides where state lives and makes the
 * read-modify-write atomic.
 *
 * @param { {windowStart: number, current: number, previous: number} | undefined} state
 * @param {number} now epoch milliseconds
 * @param { {limit: number, windowMs: number} } config
 */
export function consume(state, now, {limit, windowMs}) {
  const windowStart = Math.floor(now / windowMs) * windowMs
  let current = 0
  let previous = 0
  if (state?.windowStart === windowStart) {
    current = state.current
    previous = state.previous
  } else if (state?.windowStart === windowStart - windowMs) {
    previous = state.current
  }
  const weight = 1 - (now - windowStart) / windowMs
  const estimated = previous * weight + current
  const allowed = estimated + 1 <= limit
  if (allowed) current += 1
  const used = previous * weight + current
  const windowEnd = windowStart + windowMs
  let retryAfterMs = 0
  if (!allowed) {
    // When the weighted count has decayed enough for one more request: later in this
    // window as the previous window's weight falls, or, when this window alone is full,
    // in the next one as this window's count becomes the decaying previous count.
    const spare = limit - 1 - current
    const at =
      spare >= 0 ? windowStart + windowMs * (1 - spare / previous) : windowEnd + windowMs * (1 - (limit - 1) / current)
    // One millisecond of margin: the weight is a float, and the promise must hold.
    retryAfterMs = Math.max(1, Math.ceil(at - now) + 1)
  }
  return {
    state: {windowStart, current, previous},
    allowed,
    remaining: Math.max(0, Math.floor(limit - used)),
    resetMs: windowEnd - now,
    retryAfterMs,
    // The counts matter until the next window has fully replaced this one.
    ttlMs: windowEnd + windowMs - now,
  }
}
{%- else -%}
/**
 * Fixed window: at most `limit` requests in each window of `windowMs`, windows aligned
 * to the clock. Simple and predictable (the reset time is the same for every client);
 * a client may send up to twice the limit around a window boundary.
 *
 * A pure function of (state, now): the store decides where state lives and makes the
 * read-modify-write atomic.
 *
 * @param { {windowStart: number, count: number} | undefined} state
 * @param {number} now epoch milliseconds
 * @param { {limit: number, windowMs: number} } config
 */
export function consume(state, now, {limit, windowMs}) {
  const windowStart = Math.floor(now / windowMs) * windowMs
  const count = state?.windowStart === windowStart ? state.count : 0
  const allowed = count < limit
  const used = allowed ? count + 1 : count
  const resetMs = windowStart + windowMs - now
  return {
    state: {windowStart, count: used},
    allowed,
    remaining: limit - used,
    resetMs,
    retryAfterMs: allowed ? 0 : resetMs,
    ttlMs: resetMs,
  }
}
{%- endif %}
