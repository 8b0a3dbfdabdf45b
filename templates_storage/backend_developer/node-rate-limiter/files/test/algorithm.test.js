import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {consume} from '../src/algorithm.js'
import {DEFAULTS} from '../src/rate-limit.js'

/** Sends `n` requests at time `at`, threading the state; returns the results. */
function burst(state, at, n, config) {
  const results = []
  for (let i = 0; i < n; i++) {
    const result = consume(state, at, config)
    state = result.state
    results.push(result)
  }
  return {state, results}
}

describe('{{ algorithm }} with the configured {{ limit }} per {{ window_seconds }} s', () => {
  const config = {limit: DEFAULTS.limit, windowMs: DEFAULTS.windowMs}
  // A moment at the start of a window, so window-aligned algorithms see a whole window.
  const t0 = Math.ceil(1_900_000_000_000 / config.windowMs) * config.windowMs

  it('allows the limit, then refuses with a retry time', () => {
    const {results} = burst(undefined, t0, config.limit + 1, config)
    assert.ok(results.slice(0, config.limit).every((r) => r.allowed))
    const refused = results[config.limit]
    assert.equal(refused.allowed, false)
    assert.equal(refused.remaining, 0)
    // A sliding window full of requests decays over the next window too.
    const longest = {% if algorithm == 'sliding-window' %}2 * {% endif %}config.windowMs
    assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= longest, `retry after ${refused.retryAfterMs} ms`)
  })

  it('counts down the remaining budget', () => {
    const {results} = burst(undefined, t0, Math.min(config.limit, 3), config)
    assert.deepEqual(
      results.map((r) => r.remaining),
      results.map((_, i) => config.limit - i - 1),
    )
  })

  it('allows again once the retry time has passed', () => {
    const {state, results} = burst(undefined, t0, config.limit + 1, config)
    const wait = results[config.limit].retryAfterMs
    // Just before (retry times are whole milliseconds rounded up, plus a margin of one).
    assert.equal(consume(state, t0 + wait - 2, config).allowed, false)
    assert.equal(consume(state, t0 + wait, config).allowed, true)
  })

  it('gives the whole budget back after two windows of silence', () => {
    const {state} = burst(undefined, t0, config.limit, config)
    const {results} = burst(state, t0 + 2 * config.windowMs, config.limit, config)
    assert.ok(results.every((r) => r.allowed))
  })
{%- if algorithm == 'token-bucket' %}

  it('refills at the steady rate after a burst', () => {
    const {state} = burst(undefined, t0, config.limit, config)
    // Half a window refills half the bucket.
    const {results} = burst(state, t0 + config.windowMs / 2, config.limit, config)
    const allowed = results.filter((r) => r.allowed).length
    assert.ok(Math.abs(allowed - config.limit / 2) <= 1, `allowed ${allowed}`)
  })
{%- elsif algorithm == 'sliding-window' %}

  it('carries the previous window over, weighted by its overlap', () => {
    const {state} = burst(undefined, t0, config.limit, config)
    // A quarter into the next window, three quarters of the old window still count.
    const {results} = burst(state, t0 + config.windowMs * 1.25, config.limit, config)
    const allowed = results.filter((r) => r.allowed).length
    assert.ok(Math.abs(allowed - config.limit / 4) <= 1, `allowed ${allowed}`)
  })
{%- else %}

  it('starts every window afresh, at the same moment for every client', () => {
    const {state, results} = burst(undefined, t0 + config.windowMs - 1, config.limit + 1, config)
    assert.equal(results[config.limit].retryAfterMs, 1)
    assert.equal(consume(state, t0 + config.windowMs, config).allowed, true)
  })
{%- endif %}
})
