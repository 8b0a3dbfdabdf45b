/**
 * Problem documents back into the domain's errors, so a command run with --remote fails
 * with the same class, code, message and exit code as it would locally.
 */
import {MaestroError, errorFromCode} from '../../../src/domain/errors.js'
import {ownRecord} from '../../../src/domain/records.js'
import type {Problem} from '../../../src/domain/wire.js'

const STANDARD = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'request_id'])

/**
 * The domain error a problem document stands for: the subclass of its `code` (so
 * `instanceof NotFoundError` works remotely), with the server's message and data.
 * Unknown codes give a plain MaestroError with that code; 400s exit 2 like usage errors.
 *
 * @example
 * ```ts
 * const err = problemToError({type: '...', title: 'Not found', status: 404, code: 'NOT_FOUND',
 *   detail: 'template "x" not found', kind: 'template', ref: 'x'})
 * err instanceof NotFoundError // true
 * err.message                  // 'template "x" not found'
 * ```
 */
export function problemToError(problem: Problem): MaestroError {
  const data = ownRecord()
  for (const [key, value] of Object.entries(problem)) if (!STANDARD.has(key)) data[key] = value
  const err = errorFromCode(problem.code, problem.detail, problem.status, data)
  if (problem.request_id)
    Object.defineProperty(err, 'requestId', {value: problem.request_id, enumerable: false})
  return err
}

/** The daemon could not be reached (refused, timed out, DNS): not the caller's input. */
export class RemoteUnavailableError extends MaestroError {
  static readonly code = 'REMOTE_UNAVAILABLE'
  constructor(url: string, cause: unknown) {
    const reason =
      (cause as {code?: string; message?: string})?.code ?? (cause as Error)?.message ?? String(cause)
    super(
      `cannot reach the maestro-tpl daemon at ${url} (${reason}); check the URL and that \`maestro-tpl serve\` runs there`,
      {
        code: RemoteUnavailableError.code,
        status: 503,
        data: {url},
        cause,
      },
    )
  }
}

/** The daemon answered something that is not the API (a proxy's HTML page, a truncated body). */
export class RemoteProtocolError extends MaestroError {
  static readonly code = 'REMOTE_PROTOCOL_ERROR'
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message, {code: RemoteProtocolError.code, status: 502, data})
  }
}
