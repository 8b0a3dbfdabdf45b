import {ownValue} from './records.js'

/**
 * Domain errors with stable codes.
 *
 * The same `code` reaches the CLI (message + exit code) and the API
 * (problem+json `code` + HTTP status), so scripts can branch on it.
 *
 * @example
 * ```ts
 * throw new NotFoundError('template', 'fastapi-service')
 * // err.code === 'NOT_FOUND', err.status === 404, err.exitCode === 1
 * ```
 */
export class MaestroError extends Error {
  /** Stable, machine-readable code (SCREAMING_SNAKE). */
  readonly code: string
  /** HTTP status the daemon answers with. */
  readonly status: number
  /** CLI exit code: 1 for "the thing you asked about is wrong", 2 for usage errors. */
  readonly exitCode: number
  /** Structured details, safe to show to the caller. */
  readonly data: Record<string, unknown>

  constructor(
    message: string,
    opts: {code: string; status: number; exitCode?: number; data?: Record<string, unknown>; cause?: unknown},
  ) {
    super(message, opts.cause === undefined ? undefined : {cause: opts.cause})
    this.name = new.target.name
    this.code = opts.code
    this.status = opts.status
    this.exitCode = opts.exitCode ?? 1
    this.data = opts.data ?? {}
  }
}

/** A problem in a file, with its position (1-based line and column) when known. */
export interface Issue {
  file?: string
  line?: number
  column?: number
  /** JSON pointer-ish path of the offending value, e.g. `/parameters/0/type`. */
  path?: string
  message: string
}

export function formatIssue(issue: Issue): string {
  const where = [issue.file, issue.line, issue.column].filter((p) => p !== undefined).join(':')
  return where ? `${where}: ${issue.message}` : issue.message
}

export class NotFoundError extends MaestroError {
  static readonly code = 'NOT_FOUND'
  constructor(kind: string, ref: string, hint?: string) {
    super(`${kind} ${JSON.stringify(ref)} not found${hint ? `. ${hint}` : ''}`, {
      code: NotFoundError.code,
      status: 404,
      data: {kind, ref},
    })
  }
}

export class AlreadyExistsError extends MaestroError {
  static readonly code = 'ALREADY_EXISTS'
  constructor(kind: string, ref: string) {
    super(`${kind} ${JSON.stringify(ref)} already exists`, {
      code: AlreadyExistsError.code,
      status: 409,
      data: {kind, ref},
    })
  }
}

/** manifest.yaml (or another template file) failed YAML parsing or schema validation. */
export class InvalidTemplateError extends MaestroError {
  static readonly code = 'INVALID_TEMPLATE'
  readonly issues: Issue[]
  constructor(issues: Issue[], summary = 'template is invalid') {
    super(`${summary}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`, {
      code: InvalidTemplateError.code,
      status: 422,
      data: {issues},
    })
    this.issues = issues
  }
}

/** Answers do not satisfy the template's parameter schema. */
export class InvalidAnswersError extends MaestroError {
  static readonly code = 'INVALID_ANSWERS'
  readonly issues: Issue[]
  constructor(issues: Issue[]) {
    super(`answers are invalid:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`, {
      code: InvalidAnswersError.code,
      status: 422,
      data: {issues},
    })
    this.issues = issues
  }
}

/** Required answers are missing and there is no terminal to ask on. */
export class MissingAnswersError extends MaestroError {
  static readonly code = 'MISSING_ANSWERS'
  readonly missing: string[]
  constructor(missing: string[]) {
    super(
      `missing required answers: ${missing.join(', ')}. Pass them with --set NAME=VALUE or --answers FILE, or run on a terminal to be asked`,
      {code: MissingAnswersError.code, status: 422, data: {missing}},
    )
    this.missing = missing
  }
}

/** A stored or rendered path would leave its root, or is otherwise unsafe. */
export class UnsafePathError extends MaestroError {
  static readonly code = 'UNSAFE_PATH'
  constructor(path: string, reason: string) {
    super(`unsafe path ${JSON.stringify(path)}: ${reason}`, {
      code: UnsafePathError.code,
      status: 422,
      data: {path, reason},
    })
  }
}

/**
 * Two paths that are different here but name one file on macOS or Windows (case-insensitive,
 * Unicode-normalising file systems): there one would silently overwrite the other.
 */
export class NameCollisionError extends MaestroError {
  static readonly code = 'NAME_COLLISION'
  constructor(first: string, second: string, what = 'path') {
    super(
      `${what}s ${JSON.stringify(first)} and ${JSON.stringify(second)} differ only in letter case or Unicode normalisation: on macOS and Windows they are one file and one would overwrite the other; rename one`,
      {code: NameCollisionError.code, status: 422, data: {paths: [first, second]}},
    )
  }
}

/** Rendering failed (syntax error, unknown variable, limit exceeded). */
export class RenderError extends MaestroError {
  static readonly code = 'RENDER_ERROR'
  constructor(message: string, data: {file?: string; line?: number; column?: number} = {}, cause?: unknown) {
    const where = [data.file, data.line, data.column].filter((p) => p !== undefined).join(':')
    super(where ? `${where}: ${message}` : message, {code: RenderError.code, status: 422, data, cause})
  }
}

/** A version string or range that is not valid semver. */
export class InvalidVersionError extends MaestroError {
  static readonly code = 'INVALID_VERSION'
  constructor(version: string, what = 'version') {
    super(`${JSON.stringify(version)} is not a valid semver ${what}`, {
      code: InvalidVersionError.code,
      status: 400,
      exitCode: 2,
      data: {version},
    })
  }
}

/** Publishing different content under an already published version. */
export class VersionConflictError extends MaestroError {
  static readonly code = 'VERSION_EXISTS'
  constructor(name: string, version: string) {
    super(
      `${name}@${version} is already published with different content; bump the version in manifest.yaml to publish a change`,
      {code: VersionConflictError.code, status: 409, data: {name, version}},
    )
  }
}

/** The destination of an instantiation already holds files. */
export class DestinationNotEmptyError extends MaestroError {
  static readonly code = 'DESTINATION_NOT_EMPTY'
  constructor(dest: string) {
    super(`destination ${dest} is not empty; choose an empty folder or pass --force to write into it`, {
      code: DestinationNotEmptyError.code,
      status: 409,
      data: {dest},
    })
  }
}

/** A template scored below the quality gate. `data.report` holds the report. */
export class QualityGateError extends MaestroError {
  static readonly code = 'QUALITY_GATE_FAILED'
  constructor(name: string, score: number, minimum: number, report: unknown) {
    super(`${name} scored ${score}, below the minimum of ${minimum}; nothing was published`, {
      code: QualityGateError.code,
      status: 422,
      data: {name, score, minimum, report},
    })
  }
}

/** The caller asked for something malformed (bad flag combination, bad reference). */
export class UsageError extends MaestroError {
  static readonly code = 'USAGE_ERROR'
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message, {code: UsageError.code, status: 400, exitCode: 2, data})
  }
}

/** A resource limit (size, count, time) was exceeded. */
export class LimitExceededError extends MaestroError {
  static readonly code = 'LIMIT_EXCEEDED'
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message, {code: LimitExceededError.code, status: 413, data})
  }
}

/** Which limit stopped a render: see {@link RenderLimitError}. */
export type RenderLimit = 'time' | 'heap' | 'files' | 'bytes' | 'memory' | 'parse' | 'nesting'

/**
 * Rendering a template went past one of its limits: wall-clock time, the render
 * worker's heap, the number or total size of rendered files, or one of LiquidJS's
 * memory, parse-length and nesting limits. `data.limit` names which. The template (or
 * the answers given to it) is at fault, not the request's size: 422, not 413.
 *
 * @example
 * ```ts
 * throw new RenderLimitError('rendering took longer than 10000 ms', {limit: 'time', timeoutMs: 10_000})
 * // err.code === 'RENDER_LIMIT_EXCEEDED', err.status === 422, err.data.limit === 'time'
 * ```
 */
export class RenderLimitError extends MaestroError {
  static readonly code = 'RENDER_LIMIT_EXCEEDED'
  constructor(message: string, data: {limit: RenderLimit; file?: string; [key: string]: unknown}) {
    super(message, {code: RenderLimitError.code, status: 422, data})
  }
}

/**
 * The daemon has no capacity for this request right now (every render worker busy and
 * the queue full); `data.retryAfter` (seconds) becomes the Retry-After header.
 */
export class ServerBusyError extends MaestroError {
  static readonly code = 'SERVER_BUSY'
  constructor(message: string, retryAfter: number) {
    super(message, {code: ServerBusyError.code, status: 503, data: {retryAfter}})
  }
}

/** Another writer holds the namespace lock, or a concurrent change won. */
export class ConflictError extends MaestroError {
  static readonly code = 'CONFLICT'
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message, {code: ConflictError.code, status: 409, data})
  }
}

export function isMaestroError(err: unknown): err is MaestroError {
  return err instanceof MaestroError
}

const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback)
const num = (v: unknown): number => (typeof v === 'number' ? v : 0)
const issues = (v: unknown): Issue[] => (Array.isArray(v) ? (v as Issue[]) : [])

/** One constructor per stable code; each rebuilds the error from the problem's extension members. */
/**
 * No credentials where some are needed, or credentials that do not hold (bad password,
 * a token that is expired, forged, revoked or of the wrong kind). Answered 401 with a
 * `WWW-Authenticate: Bearer` challenge.
 */
export class AuthenticationError extends MaestroError {
  static readonly code = 'UNAUTHENTICATED'
  /** The `WWW-Authenticate` header value (RFC 6750). */
  readonly challenge: string
  constructor(message: string, opts: {invalidToken?: boolean; data?: Record<string, unknown>} = {}) {
    super(message, {code: AuthenticationError.code, status: 401, data: opts.data ?? {}})
    this.challenge = opts.invalidToken
      ? `Bearer realm="maestro-tpl", error="invalid_token", error_description="${message.replace(/["\\]/g, '')}"`
      : 'Bearer realm="maestro-tpl"'
  }
}

/** Signed in, but the role (or the kind of caller) does not allow this. */
export class ForbiddenError extends MaestroError {
  static readonly code = 'FORBIDDEN'
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message, {code: ForbiddenError.code, status: 403, data})
  }
}

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
  [AuthenticationError.code]: (d) => new AuthenticationError('', {data: d}),
  [ForbiddenError.code]: (d) => new ForbiddenError('', d),
  [NameCollisionError.code]: (d) => {
    const [first = '', second = ''] = Array.isArray(d.paths) ? (d.paths as string[]) : []
    return new NameCollisionError(first, second)
  },
}

/**
 * Rebuilds the domain error of a stable `code` from its message, status and data: the
 * subclass of that code (so `instanceof NotFoundError` holds), or a plain MaestroError for
 * a code this version does not know (a 400 exits 2 like a usage error). The SDK uses it
 * for problem documents, the render pool for errors thrown in its worker threads.
 *
 * @example
 * ```ts
 * const err = errorFromCode('NOT_FOUND', 'template "x" not found', 404, {kind: 'template', ref: 'x'})
 * err instanceof NotFoundError // true
 * ```
 */
export function errorFromCode(
  code: string,
  message: string,
  status: number,
  data: Record<string, unknown>,
): MaestroError {
  // Own builders only: a code such as `constructor` must not find Object.prototype's.
  const build = ownValue(BUILDERS, code)
  const err =
    build?.(data) ?? new MaestroError(message, {code, status, exitCode: status === 400 ? 2 : 1, data})
  // The sender's wording is the message: it may carry hints the constructor cannot rebuild.
  err.message = message
  Object.defineProperty(err, 'data', {value: data, enumerable: true})
  return err
}
