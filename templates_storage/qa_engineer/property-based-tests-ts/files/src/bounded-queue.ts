/** A fixed-capacity FIFO queue on a ring buffer: the state machine model-based tests check. */
export class BoundedQueue<T> {
  private readonly items: (T | undefined)[]
  private head = 0
  private count = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be >= 1')
    this.items = new Array<T | undefined>(capacity)
  }

  get size(): number {
    return this.count
  }

  /** Adds at the tail; false when full (nothing is overwritten). */
  offer(item: T): boolean {
    if (this.count === this.capacity) return false
    this.items[(this.head + this.count) % this.capacity] = item
    this.count++
    return true
  }

  /** Removes from the head; undefined when empty. */
  poll(): T | undefined {
    if (this.count === 0) return undefined
    const item = this.items[this.head]
    this.items[this.head] = undefined
    this.head = (this.head + 1) % this.capacity
    this.count--
    return item
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head]
  }
}
