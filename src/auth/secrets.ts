/**
 * Opaque tokens (refresh and API tokens) and the SECRET_KEY check.
 */
import {createHash, randomBytes} from 'node:crypto'

import {InsecureConfigError} from './errors.js'

/** Prefix of API tokens, so secret scanners (and people) recognise a leaked one. */
export const API_TOKEN_PREFIX = 'mtp_'
/** Prefix of refresh tokens. */
export const REFRESH_TOKEN_PREFIX = 'mtr_'

/**
 * A new opaque token: the prefix and 32 random bytes, base64url.
 *
 * @example
 * ```ts
 * newOpaqueToken(API_TOKEN_PREFIX) // 'mtp_3q2-7w...'
 * ```
 */
export function newOpaqueToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url')
}

/** How a token is stored: sha256, hex. The token has 256 random bits, so no salt or stretching is needed. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Minimum SECRET_KEY length in bytes. */
export const MIN_SECRET_BYTES = 32

/** SECRET_KEY values from examples and documentation (`.env.example` ships the first). */
const EXAMPLE_SECRETS =
  /change[-_ .]?me|changeit|example|placeholder|your[-_ ]?secret|^secret|replace[-_ ]?me/i

/**
 * Refuses a SECRET_KEY that is missing, shorter than 32 bytes, an example value, or
 * made of very few distinct characters.
 *
 * @example
 * ```ts
 * assertStrongSecret(process.env.SECRET_KEY) // throws InsecureConfigError for 'change-me-to-a-long-random-secret'
 * ```
 */
export function assertStrongSecret(secret: string | undefined): asserts secret is string {
  const fix =
    'Set SECRET_KEY to at least 32 random bytes, e.g. `SECRET_KEY=$(openssl rand -base64 48)`, or set ENABLE_RBAC=false for a loopback-only development daemon.'
  if (!secret) throw new InsecureConfigError(`SECRET_KEY is not set and ENABLE_RBAC is on. ${fix}`)
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new InsecureConfigError(
      `SECRET_KEY is ${Buffer.byteLength(secret)} bytes; it must be at least ${MIN_SECRET_BYTES}. ${fix}`,
    )
  }
  if (EXAMPLE_SECRETS.test(secret) || new Set(secret).size < 8) {
    throw new InsecureConfigError(`SECRET_KEY is left at an example or guessable value. ${fix}`)
  }
}
