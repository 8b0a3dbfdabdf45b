import {describe, expect, it} from 'vitest'

import {failureReason} from '../../../src/server/problem.js'

describe('failureReason (what /health shows after "unavailable: ")', () => {
  it('is the message when there is one, with the code when the message lacks it', () => {
    expect(failureReason(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe(
      'connect ECONNREFUSED 127.0.0.1:6379',
    )
    expect(failureReason(Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'}))).toBe(
      'ECONNRESET: socket hang up',
    )
  })

  it('is never empty, whatever was thrown', () => {
    expect(failureReason(new Error(''))).toBe('Error (no message)')
    expect(failureReason(Object.assign(new Error(''), {code: 'ECONNRESET'}))).toBe('Error ECONNRESET')
    // As node-redis declares it: no message, no name of its own.
    class TimeoutError extends Error {}
    expect(failureReason(new TimeoutError())).toBe('TimeoutError (no message)')
    expect(failureReason(undefined)).toBe('unknown failure')
    expect(failureReason('  ')).toBe('unknown failure')
  })
})
