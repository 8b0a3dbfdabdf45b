export interface Limiter {
  /** Run `task` as soon as fewer than `concurrency` tasks are running. */
  <T>(task: () => Promise<T> | T): Promise<T>
  /** Tasks currently running. */
  readonly activeCount: number
  /** Tasks waiting for a free slot. */
  readonly pendingCount: number
}

/**
 * Limit how many async tasks run at once, e.g. to stay within a rate limit or a
 * connection pool. Tasks start in the order they were submitted.
 *
 * @example
 * const limit = createLimiter(4)
 * const pages = await Promise.all(urls.map((url) => limit(() => fetch(url))))
 */
export function createLimiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`)
  }
  const queue: Array<() => void> = []
  let active = 0

  const startNext = () => {
    if (active >= concurrency) return
    const start = queue.shift()
    if (start) {
      active++
      start()
    }
  }

  const limit = <T>(task: () => Promise<T> | T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            active--
            startNext()
          })
      })
      startNext()
    })

  return Object.defineProperties(limit, {
    activeCount: {get: () => active},
    pendingCount: {get: () => queue.length},
  }) as Limiter
}
