/**
 * Access tokens: short-lived JWTs (jose), HS256 only, with issuer, audience, expiry and
 * the `at+jwt` type (RFC 9068) all checked. The signing key is derived from SECRET_KEY
 * with HKDF, so the raw secret signs nothing directly.
 */
import {hkdfSync, randomUUID} from 'node:crypto'

import {SignJWT, errors as joseErrors, jwtVerify} from 'jose'

import {AuthenticationError} from './errors.js'
import {isRole} from './policy.js'
import type {Role} from './policy.js'

export const JWT_ISSUER = 'maestro-tpl'
export const JWT_AUDIENCE = 'maestro-tpl-api'
/** The only algorithm accepted: `alg: none`, RS256 and the rest are refused before any key is used. */
export const JWT_ALGORITHM = 'HS256'
/** RFC 9068's type of an access token; a refresh token or an ID token is not one. */
export const JWT_TYPE = 'at+jwt'

export interface AccessClaims {
  /** User id. */
  sub: string
  username: string
  tenant: string
  role: Role
}

/**
 * Issues and verifies access JWTs.
 *
 * @example
 * ```ts
 * const tokens = new AccessTokens(process.env.SECRET_KEY!, 1800)
 * const jwt = await tokens.issue({sub: id, username: 'ana', tenant: 'acme', role: 'editor'})
 * const claims = await tokens.verify(jwt) // throws AuthenticationError when forged or expired
 * ```
 */
export class AccessTokens {
  readonly #key: Uint8Array
  readonly ttlSeconds: number
  /**
   * Tokens already verified, until they expire: a JWT cannot change, so the answer
   * stays right, and the hot path skips the HMAC and claim checks (half of its
   * throughput otherwise). Bounded; the oldest entries go first.
   */
  readonly #verified = new Map<string, {claims: AccessClaims; expiresAt: number}>()
  static readonly #capacity = 10_000

  constructor(secretKey: string, ttlSeconds: number) {
    this.#key = new Uint8Array(hkdfSync('sha256', secretKey, 'maestro-tpl', 'access-token-hs256', 32))
    this.ttlSeconds = ttlSeconds
  }

  issue(claims: AccessClaims): Promise<string> {
    return new SignJWT({username: claims.username, tenant: claims.tenant, role: claims.role})
      .setProtectedHeader({alg: JWT_ALGORITHM, typ: JWT_TYPE})
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setSubject(claims.sub)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.#key)
  }

  async verify(token: string): Promise<AccessClaims> {
    const known = this.#verified.get(token)
    if (known) {
      if (known.expiresAt > Date.now()) return known.claims
      this.#verified.delete(token)
    }
    const {claims, exp} = await this.#verify(token)
    if (this.#verified.size >= AccessTokens.#capacity) {
      const oldest = this.#verified.keys().next().value
      if (oldest !== undefined) this.#verified.delete(oldest)
    }
    this.#verified.set(token, {claims, expiresAt: exp * 1000})
    return claims
  }

  async #verify(token: string): Promise<{claims: AccessClaims; exp: number}> {
    try {
      const {payload} = await jwtVerify(token, this.#key, {
        algorithms: [JWT_ALGORITHM],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        typ: JWT_TYPE,
        requiredClaims: ['exp', 'sub', 'iat'],
      })
      const {sub, username, tenant, role, exp} = payload
      if (
        typeof sub !== 'string' ||
        typeof username !== 'string' ||
        typeof tenant !== 'string' ||
        !isRole(role) ||
        typeof exp !== 'number'
      )
        throw new AuthenticationError('the access token lacks its claims', {invalidToken: true})
      return {claims: {sub, username, tenant, role}, exp}
    } catch (err) {
      if (err instanceof AuthenticationError) throw err
      const reason =
        err instanceof joseErrors.JWTExpired
          ? 'the access token has expired; refresh it (`maestro-tpl login` again if that fails)'
          : err instanceof joseErrors.JOSEError
            ? `the access token is not valid (${err.code})`
            : 'the access token is not valid'
      throw new AuthenticationError(reason, {invalidToken: true})
    }
  }
}
