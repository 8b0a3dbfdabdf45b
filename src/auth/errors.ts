/**
 * Errors of authentication and authorization, with stable codes like every domain error.
 */
import {MaestroError} from '../domain/errors.js'

// Defined with the domain's errors, so that the SDK (which carries those) rebuilds them
// from a daemon's 401 and 403 answers: `instanceof AuthenticationError` works remotely.
export {AuthenticationError, ForbiddenError} from '../domain/errors.js'

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
