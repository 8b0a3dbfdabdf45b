export class TimeoutError extends Error {
  override readonly name = 'TimeoutError'
  readonly timeoutMs: number

  constructor(timeoutMs: number) {
    super(`Operation timed out after ${timeoutMs} ms`)
    this.timeoutMs = timeoutMs
  }
}

/**
 * Reject with a `TimeoutError` if `operation` takes longer than `timeoutMs`. The
 * operation receives an AbortSignal that fires at the deadline, so it can stop its own
 * work (pass it to fetch, streams, child processes...).
 *
 * @example
 * const body = await withTimeout((signal) => fetch(url, {signal}).then((r) => r.json()), 2_000)
 */
export async function withTimeout<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(timeoutMs)
      controller.abort(error)
      reject(error)
    }, timeoutMs)
  })
  try {
    return await Promise.race([operation(controller.signal), deadline])
  } finally {
    clearTimeout(timer)
  }
}
