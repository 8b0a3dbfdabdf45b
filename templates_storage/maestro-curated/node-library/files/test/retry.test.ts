import {describe, expect, it, vi} from 'vitest'
import {backoffDelay, retry} from '../src/index.js'

const fast = {minDelayMs: 1, jitter: false}

describe('retry', () => {
  it('returns the first successful result', async () => {
    const operation = vi
      .fn<(attempt: number) => Promise<string>>()
      .mockRejectedValueOnce(new Error('flaky'))
      .mockRejectedValueOnce(new Error('flaky'))
      .mockResolvedValue('ok')

    await expect(retry(operation, {...fast, attempts: 3})).resolves.toBe('ok')
    expect(operation).toHaveBeenCalledTimes(3)
    expect(operation.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3])
  })

  it('rethrows the last error when attempts are exhausted', async () => {
    let calls = 0
    const failing = () => Promise.reject(new Error(`failure ${++calls}`))
    await expect(retry(failing, {...fast, attempts: 2})).rejects.toThrow('failure 2')
  })

  it('stops at once when shouldRetry says no', async () => {
    const operation = vi.fn(() => Promise.reject(new TypeError('bad input')))
    const shouldRetry = (error: unknown) => !(error instanceof TypeError)
    await expect(retry(operation, {...fast, attempts: 5, shouldRetry})).rejects.toThrow(TypeError)
    expect(operation).toHaveBeenCalledTimes(1)
  })

  it('backs off exponentially up to the maximum delay', async () => {
    const delays: number[] = []
    const options = {attempts: 5, minDelayMs: 1, maxDelayMs: 4, jitter: false}
    const onRetry = (_error: unknown, _attempt: number, delayMs: number) => delays.push(delayMs)
    await expect(
      retry(() => Promise.reject(new Error('down')), {...options, onRetry}),
    ).rejects.toThrow()
    expect(delays).toEqual([1, 2, 4, 4])
  })

  it('keeps jittered delays within the backoff ceiling', async () => {
    const delays: number[] = []
    const onRetry = (_error: unknown, _attempt: number, delayMs: number) => delays.push(delayMs)
    await expect(
      retry(() => Promise.reject(new Error('down')), {attempts: 4, minDelayMs: 2, onRetry}),
    ).rejects.toThrow()
    delays.forEach((delay, index) => {
      expect(delay).toBeGreaterThanOrEqual(0)
      expect(delay).toBeLessThanOrEqual(backoffDelay(index + 1, {minDelayMs: 2}))
    })
  })

  it('gives up when the signal aborts during a wait', async () => {
    const controller = new AbortController()
    const pending = retry(() => Promise.reject(new Error('down')), {
      attempts: 10,
      minDelayMs: 60_000,
      jitter: false,
      signal: controller.signal,
    })
    controller.abort(new Error('shutting down'))
    await expect(pending).rejects.toThrow('shutting down')
  })

  it('computes default backoff delays', () => {
    expect([1, 2, 3, 10].map((attempt) => backoffDelay(attempt))).toEqual([100, 200, 400, 5_000])
  })

  it('rejects invalid attempt counts', async () => {
    await expect(retry(() => Promise.resolve(1), {attempts: 0})).rejects.toThrow(RangeError)
  })
})
