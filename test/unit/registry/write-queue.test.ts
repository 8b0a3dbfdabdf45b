/**
 * Group commit (src/registry/write-queue.ts): writes that wait for a namespace run in one
 * lock hold, in arrival order, each with its own outcome; the wait is bounded.
 */
import {setTimeout as sleep} from 'node:timers/promises'

import {describe, expect, it} from 'vitest'

import {WriteQueue} from '../../../src/registry/write-queue.js'

describe('WriteQueue', () => {
  it('runs the writes that waited meanwhile in one hold, in arrival order, each with its own result', async () => {
    const queue = new WriteQueue({maxWaitMs: 10_000})
    const holds: number[][] = []
    let current: number[] = []
    const hold = async (batch: () => Promise<void>) => {
      current = []
      await sleep(20) // taking the lock
      await batch()
      holds.push(current)
    }
    const write = (i: number) =>
      queue.run('acme', hold, async () => {
        current.push(i)
        if (i === 3) throw new Error('refused: 3')
        return i * 10
      })
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(write))
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      10,
      20,
      'refused: 3',
      40,
      50,
    ])
    // The first write took the lock alone; the four that came while it waited ran in the next hold.
    expect(holds).toEqual([[1], [2, 3, 4, 5]])
  })

  it('keeps namespaces apart and caps a batch', async () => {
    const queue = new WriteQueue({maxWaitMs: 10_000, maxBatch: 2})
    const holds: string[][] = []
    const hold = (key: string) => async (batch: () => Promise<void>) => {
      const mine: string[] = []
      holds.push(mine)
      await sleep(5)
      current.set(key, mine)
      await batch()
    }
    const current = new Map<string, string[]>()
    await Promise.all(
      ['a1', 'b1', 'a2', 'a3', 'a4'].map((w) =>
        queue.run(w[0]!, hold(w[0]!), async () => {
          current.get(w[0]!)!.push(w)
        }),
      ),
    )
    expect(holds).toContainEqual(['b1'])
    expect(holds.filter((h) => h[0]?.startsWith('a')).every((h) => h.length <= 2)).toBe(true)
    expect(holds.flat().sort()).toEqual(['a1', 'a2', 'a3', 'a4', 'b1'])
  })

  it('fails a write that waited past maxWaitMs with CONFLICT, and every write of a batch whose lock failed', async () => {
    const queue = new WriteQueue({maxWaitMs: 50})
    const slow = async (batch: () => Promise<void>) => {
      await sleep(120)
      await batch()
    }
    const [late] = await Promise.allSettled([queue.run('acme', slow, async () => 'never')])
    expect(late.status).toBe('rejected')
    const reason = (late as PromiseRejectedResult).reason as {code: string; status: number}
    expect([reason.code, reason.status]).toEqual(['CONFLICT', 409])

    const broken = async () => {
      throw new Error('lock service down')
    }
    await sleep(10) // the slow holder has left
    const both = await Promise.allSettled([
      queue.run('acme', broken, async () => 1),
      queue.run('acme', broken, async () => 2),
    ])
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    // The queue is not stuck: the next write runs.
    await sleep(10)
    expect(
      await queue.run(
        'acme',
        async (batch) => batch(),
        async () => 'ran',
      ),
    ).toBe('ran')
  })

  it('is idle only once the lock of the last batch is released, after its writes have settled', async () => {
    const queue = new WriteQueue({maxWaitMs: 10_000})
    let held = false
    const hold = async (batch: () => Promise<void>) => {
      held = true
      await batch()
      await sleep(50) // giving the lock back
      held = false
    }
    expect(await queue.run('acme', hold, async () => 'done')).toBe('done')
    expect(held).toBe(true)
    await queue.idle()
    expect(held).toBe(false)
  })

  it('gives each write of a batch the context its hold prepared', async () => {
    const queue = new WriteQueue<string[]>({maxWaitMs: 10_000})
    const flushed: string[][] = []
    const hold = async (batch: (pending: string[]) => Promise<void>) => {
      const pending: string[] = []
      await batch(pending)
      flushed.push(pending)
    }
    await Promise.all(['a', 'b', 'c'].map((w) => queue.run('acme', hold, async (pending) => pending.push(w))))
    expect(flushed.flat()).toEqual(['a', 'b', 'c'])
    expect(flushed.length).toBeLessThanOrEqual(2)
  })
})
