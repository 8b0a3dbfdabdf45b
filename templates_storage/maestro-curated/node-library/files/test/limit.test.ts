import {describe, expect, it} from 'vitest'
import {createLimiter, sleep} from '../src/index.js'

describe('createLimiter', () => {
  it('never runs more than `concurrency` tasks at once', async () => {
    const limit = createLimiter(2)
    let running = 0
    let peak = 0
    const task = async (value: number) => {
      running++
      peak = Math.max(peak, running)
      await sleep(5)
      running--
      return value * 2
    }

    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => limit(() => task(n))))

    expect(results).toEqual([2, 4, 6, 8, 10])
    expect(peak).toBe(2)
    expect(limit.activeCount).toBe(0)
    expect(limit.pendingCount).toBe(0)
  })

  it('reports queued work', async () => {
    const limit = createLimiter(1)
    const first = limit(() => sleep(5))
    const second = limit(() => sleep(5))
    await Promise.resolve()
    expect(limit.activeCount).toBe(1)
    expect(limit.pendingCount).toBe(1)
    await Promise.all([first, second])
  })

  it('keeps going after a task fails, including synchronous throws', async () => {
    const limit = createLimiter(1)
    const failed = limit(() => {
      throw new Error('sync failure')
    })
    const next = limit(() => 'still runs')
    await expect(failed).rejects.toThrow('sync failure')
    await expect(next).resolves.toBe('still runs')
  })

  it('rejects invalid concurrency', () => {
    expect(() => createLimiter(0)).toThrow(RangeError)
  })
})
