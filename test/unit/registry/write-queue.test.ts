/**
 * Group commit (src/registry/write-queue.ts): writes that wait for a namespace run in one
 * lock hold, in arrival order, each with its own outcome; a batch grows with the queue up
 * to a hold time; a write fails only when its namespace makes no progress.
 */
import {setTimeout as sleep} from 'node:timers/promises'

import {describe, expect, it} from 'vitest'

import {ConflictError} from '../../../src/domain/errors.js'
import {WriteQueue} from '../../../src/registry/write-queue.js'

describe('WriteQueue', () => {
  it('runs the writes that waited meanwhile in one hold, in arrival order, each with its own result', async () => {
    const queue = new WriteQueue()
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
    // The first comes alone; the others arrive while its turn waits for the lock, and join it.
    const first = write(1)
    await sleep(5)
    const results = await Promise.allSettled([first, ...[2, 3, 4, 5].map(write)])
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      10,
      20,
      'refused: 3',
      40,
      50,
    ])
    // One lock hold for the five.
    expect(holds).toEqual([[1, 2, 3, 4, 5]])
  })

  it('keeps namespaces apart and caps a batch', async () => {
    const queue = new WriteQueue({maxBatch: 2})
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

  it('takes into a batch the writes that arrive while it runs, until it has held the lock maxHoldMs', async () => {
    const queue = new WriteQueue({maxHoldMs: 60})
    const holds: number[][] = []
    const hold = async (batch: () => Promise<void>) => {
      holds.push([])
      await batch()
    }
    const writes: Promise<unknown>[] = []
    const write = (i: number): Promise<unknown> =>
      queue.run('acme', hold, async () => {
        holds.at(-1)!.push(i)
        // Each write lets the next one arrive while the batch runs.
        if (i < 8) writes.push(write(i + 1))
        await sleep(20)
      })
    writes.push(write(1))
    while (writes.length < 8) await sleep(5)
    await Promise.all(writes)
    // 20 ms per write, 60 ms per hold: a few writes per batch, none left behind, in order.
    expect(holds.flat()).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(holds.length).toBeGreaterThan(1)
    expect(holds.length).toBeLessThan(8)
    expect(holds.every((h) => h.length >= 1 && h.length <= 4)).toBe(true)
  })

  it('lets a write at the back of a queue that moves wait as long as the queue takes', async () => {
    const queue = new WriteQueue({maxBatch: 1})
    const hold = async (batch: () => Promise<void>) => {
      await sleep(15) // taking the lock
      await batch()
    }
    const started = performance.now()
    const results = await Promise.all(
      Array.from({length: 10}, (_, i) =>
        queue.run('acme', hold, async () => {
          await sleep(10)
          return i
        }),
      ),
    )
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    // Ten turns of ~25 ms: the last write waited ten lock turns, and was not refused.
    expect(performance.now() - started).toBeGreaterThan(200)
  })

  it('fails the writes a lock turn was for when the lock cannot be taken; the writes after get a turn', async () => {
    const queue = new WriteQueue()
    let turns = 0
    const hold = async (batch: () => Promise<void>) => {
      if (++turns === 1) {
        await sleep(50)
        throw new ConflictError('acme is locked by another daemon; gave up after 50 ms, try again', {
          lock: 'acme',
          timeoutMs: 50,
        })
      }
      await batch()
    }
    const first = queue.run('acme', hold, async () => 'first')
    const second = queue.run('acme', hold, async () => 'second')
    await sleep(20)
    // Arrives while the first turn waits for the lock: it is not what that turn was for.
    const third = queue.run('acme', hold, async () => 'third')
    const settled = await Promise.allSettled([first, second, third])
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled'])
    const reason = (settled[0] as PromiseRejectedResult).reason as {code: string; status: number}
    expect([reason.code, reason.status]).toEqual(['CONFLICT', 409])
    expect((settled[2] as PromiseFulfilledResult<string>).value).toBe('third')

    const broken = async () => {
      throw new Error('lock service down')
    }
    await queue.idle()
    const both = await Promise.allSettled([
      queue.run('acme', broken, async () => 1),
      queue.run('acme', broken, async () => 2),
    ])
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    // The queue is not stuck: the next write runs.
    expect(
      await queue.run(
        'acme',
        async (batch) => batch(),
        async () => 'ran',
      ),
    ).toBe('ran')
  })

  it('is idle only once the lock of the last batch is released, after its writes have settled', async () => {
    const queue = new WriteQueue()
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
    const queue = new WriteQueue<string[]>()
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
