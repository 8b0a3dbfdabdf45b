import {describe, expect, it} from 'vitest'

import {isTransientError, withRetry} from '../../../src/db/retry.js'

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), {code})

describe('isTransientError', () => {
  it('accepts serialization failures, deadlocks, shutdowns and dropped connections', () => {
    for (const code of ['40001', '40P01', '57P01', '57P03', '08006', '53300', 'ECONNRESET', 'SQLITE_BUSY'])
      expect(isTransientError(withCode(code)), code).toBe(true)
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isTransientError(new Error('wrapped', {cause: withCode('40P01')}))).toBe(true)
  })

  it('refuses everything else', () => {
    for (const code of ['23505', '23503', '42P01', '22P02', '57014'])
      expect(isTransientError(withCode(code)), code).toBe(false)
    expect(isTransientError(new Error('boom'))).toBe(false)
    expect(isTransientError('40001')).toBe(false)
    expect(isTransientError(undefined)).toBe(false)
  })
})

describe('withRetry', () => {
  it('retries transient errors with growing, jittered delays, then succeeds', async () => {
    const delays: number[] = []
    let calls = 0
    const result = await withRetry(
      async () => {
        calls += 1
        if (calls < 3) throw withCode('40001')
        return 'done'
      },
      {baseDelayMs: 4, maxDelayMs: 6, onRetry: (_e, _attempt, delay) => delays.push(delay)},
    )
    expect(result).toBe('done')
    expect(calls).toBe(3)
    expect(delays).toHaveLength(2)
    expect(delays[0]).toBeLessThanOrEqual(4)
    expect(delays[1]).toBeLessThanOrEqual(6)
  })

  it('throws a non-transient error at once and the last error when attempts run out', async () => {
    let calls = 0
    await expect(
      withRetry(async () => {
        calls += 1
        throw withCode('23505', 'duplicate')
      }),
    ).rejects.toThrow('duplicate')
    expect(calls).toBe(1)
    calls = 0
    await expect(
      withRetry(
        async () => {
          calls += 1
          throw withCode('40P01', `deadlock ${calls}`)
        },
        {attempts: 4, baseDelayMs: 1},
      ),
    ).rejects.toThrow('deadlock 4')
  })
})
