import {sleep} from './sleep.js'

export interface RetryOptions {
  /** Total attempts, including the first one. Default 3. */
  attempts?: number
  /** Delay before the first retry, in milliseconds. Default 100. */
  minDelayMs?: number
  /** Upper bound of any single delay, in milliseconds. Default 5000. */
  maxDelayMs?: number
  /** Growth of the delay between consecutive retries. Default 2 (exponential backoff). */
  factor?: number
  /**
   * "Full jitter": wait a random time between 0 and the computed delay, so that many
   * clients failing together do not retry in lockstep. Default true.
   */
  jitter?: boolean
  /** Return false for errors that retrying cannot fix (validation, 4xx...). */
  shouldRetry?: (error: unknown, attempt: number) => boolean
  /** Called before each wait, e.g. for logging or metrics. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void
  /** Stops retrying (and waiting) when aborted; the promise rejects with the reason. */
  signal?: AbortSignal
}

/** The delay before retry number `attempt` (1-based), without jitter. */
export function backoffDelay(
  attempt: number,
  {minDelayMs = 100, maxDelayMs = 5_000, factor = 2}: RetryOptions = {},
): number {
  return Math.min(maxDelayMs, minDelayMs * factor ** (attempt - 1))
}

/**
 * Run `operation` until it succeeds or the attempts are used up, waiting with exponential
 * backoff between attempts. The last error is rethrown unchanged.
 *
 * @example
 * const user = await retry(() => fetchUser(id), {attempts: 5, shouldRetry: isTransient})
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {attempts = 3, jitter = true, shouldRetry = () => true, onRetry, signal} = options
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`attempts must be a positive integer, got ${attempts}`)
  }
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted()
    try {
      return await operation(attempt)
    } catch (error) {
      if (attempt >= attempts || !shouldRetry(error, attempt)) throw error
      const ceiling = backoffDelay(attempt, options)
      const delayMs = jitter ? Math.random() * ceiling : ceiling
      onRetry?.(error, attempt, delayMs)
      await sleep(delayMs, signal)
    }
  }
}
