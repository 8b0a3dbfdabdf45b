import {describe, expect, it} from 'vitest'
import {sleep, TimeoutError, withTimeout} from '../src/index.js'

describe('withTimeout', () => {
  it('resolves with the result of a fast operation', async () => {
    await expect(withTimeout(() => Promise.resolve(42), 1_000)).resolves.toBe(42)
  })

  it('rejects with TimeoutError and aborts the operation when too slow', async () => {
    let signal: AbortSignal | undefined
    const slow = (s: AbortSignal) => {
      signal = s
      return sleep(60_000, s).then(() => 'late')
    }

    const error = await withTimeout(slow, 10).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).timeoutMs).toBe(10)
    expect(signal?.aborted).toBe(true)
  })

  it('passes through errors of the operation', async () => {
    const failing = () => Promise.reject(new Error('boom'))
    await expect(withTimeout(failing, 1_000)).rejects.toThrow('boom')
  })
})

describe('sleep', () => {
  it('rejects immediately with an already aborted signal', async () => {
    await expect(sleep(1_000, AbortSignal.abort(new Error('nope')))).rejects.toThrow('nope')
  })
})
