import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {BoundedQueue} from '../src/bounded-queue.js'

/** The model: a plain array that is obviously right; the real queue must agree with it. */
interface Model {
  items: number[]
  capacity: number
}

type Real = BoundedQueue<number>

class OfferCommand implements fc.Command<Model, Real> {
  constructor(readonly value: number) {}
  check = () => true
  run(model: Model, real: Real): void {
    const accepted = real.offer(this.value)
    expect(accepted).toBe(model.items.length < model.capacity)
    if (accepted) model.items.push(this.value)
  }
  toString = () => `offer(${this.value})`
}

class PollCommand implements fc.Command<Model, Real> {
  check = () => true
  run(model: Model, real: Real): void {
    expect(real.poll()).toBe(model.items.shift())
  }
  toString = () => 'poll()'
}

class PeekCommand implements fc.Command<Model, Real> {
  check = (model: Readonly<Model>) => model.items.length > 0
  run(model: Model, real: Real): void {
    expect(real.peek()).toBe(model.items[0])
    expect(real.size).toBe(model.items.length)
  }
  toString = () => 'peek()'
}

const commands = [
  fc.integer().map((v) => new OfferCommand(v)),
  fc.constant(new PollCommand()),
  fc.constant(new PeekCommand()),
]

describe('BoundedQueue against its model', () => {
  it('behaves like an array of at most `capacity` items for any sequence of operations', () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 6}), fc.commands(commands, {maxCommands: 60}), (capacity, cmds) => {
        fc.modelRun(() => ({model: {items: [], capacity}, real: new BoundedQueue<number>(capacity)}), cmds)
      }),
    )
  })
})
