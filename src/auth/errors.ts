/**
 * Errors of authentication and authorization, with stable codes like every domain error.
 */
import {MaestroError} from '../domain/errors.js'

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

/** Too many attempts; `retryAfter` seconds until the next one is accepted. */
export class RateLimitedError extends MaestroError {
  static readonly code = 'RATE_LIMITED'
  readonly retryAfter: number
  constructor(message: string, retryAfter: number) {
    super(message, {code: RateLimitedError.code, status: 429, data: {retry_after: retryAfter}})
    this.retryAfter = retryAfter
  }
}

/** The daemon's configuration is unsafe to start with (a weak or example SECRET_KEY). */
export class InsecureConfigError extends MaestroError {
  static readonly code = 'INSECURE_CONFIG'
  constructor(message: string) {
    super(message, {code: InsecureConfigError.code, status: 500, exitCode: 78})
  }
}
