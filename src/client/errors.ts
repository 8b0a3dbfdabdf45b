/**
 * Problem documents back into the domain's errors, so a command run with --remote fails
 * with the same class, code, message and exit code as it would locally.
 */
import {
  NameCollisionError,
  AlreadyExistsError,
  ConflictError,
  DestinationNotEmptyError,
  InvalidAnswersError,
  InvalidTemplateError,
  InvalidVersionError,
  LimitExceededError,
  MaestroError,
  MissingAnswersError,
  NotFoundError,
  QualityGateError,
  RenderError,
  RenderLimitError,
  ServerBusyError,
  UnsafePathError,
  UsageError,
  VersionConflictError,
} from '../domain/errors.js'
import type {Issue, RenderLimit} from '../domain/errors.js'
import {ownRecord, ownValue} from '../domain/records.js'
import type {Problem} from './wire.js'

const STANDARD = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'request_id'])

const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback)
const num = (v: unknown): number => (typeof v === 'number' ? v : 0)
const issues = (v: unknown): Issue[] => (Array.isArray(v) ? (v as Issue[]) : [])

/** One constructor per stable code; each rebuilds the error from the problem's extension members. */
const BUILDERS: Record<string, (d: Record<string, unknown>) => MaestroError> = {
  [NotFoundError.code]: (d) => new NotFoundError(text(d.kind, 'resource'), text(d.ref)),
  [AlreadyExistsError.code]: (d) => new AlreadyExistsError(text(d.kind, 'resource'), text(d.ref)),
  [InvalidTemplateError.code]: (d) => new InvalidTemplateError(issues(d.issues)),
  [InvalidAnswersError.code]: (d) => new InvalidAnswersError(issues(d.issues)),
  [MissingAnswersError.code]: (d) =>
    new MissingAnswersError(Array.isArray(d.missing) ? (d.missing as string[]) : []),
  [UnsafePathError.code]: (d) => new UnsafePathError(text(d.path), text(d.reason)),
  [RenderError.code]: (d) => new RenderError('', d),
  [InvalidVersionError.code]: (d) => new InvalidVersionError(text(d.version)),
  [VersionConflictError.code]: (d) => new VersionConflictError(text(d.name), text(d.version)),
  [DestinationNotEmptyError.code]: (d) => new DestinationNotEmptyError(text(d.dest)),
  [QualityGateError.code]: (d) => new QualityGateError(text(d.name), num(d.score), num(d.minimum), d.report),
  [UsageError.code]: (d) => new UsageError('', d),
  [LimitExceededError.code]: (d) => new LimitExceededError('', d),
  [ConflictError.code]: (d) => new ConflictError('', d),
  [RenderLimitError.code]: (d) => new RenderLimitError('', {...d, limit: d.limit as RenderLimit}),
  [ServerBusyError.code]: (d) => new ServerBusyError('', num(d.retryAfter)),
  [NameCollisionError.code]: (d) => {
    const [first = '', second = ''] = Array.isArray(d.paths) ? (d.paths as string[]) : []
    return new NameCollisionError(first, second)
  },
}

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
  // Own builders only: a code such as `constructor` must not find Object.prototype's.
  const build = ownValue(BUILDERS, problem.code)
  const err =
    build?.(data) ??
    new MaestroError(problem.detail, {
      code: problem.code,
      status: problem.status,
      exitCode: problem.status === 400 ? 2 : 1,
      data,
    })
  // The server's wording is the message: it may carry hints the constructor cannot rebuild.
  err.message = problem.detail
  Object.defineProperty(err, 'data', {value: data, enumerable: true})
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
