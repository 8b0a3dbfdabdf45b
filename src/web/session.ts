/**
 * The catalog's sign-in session and CSRF protection.
 *
 * A session is the daemon's own token pair kept in two cookies: the access JWT and the
 * refresh token, both HttpOnly and SameSite=Lax, Secure when the page came over TLS
 * (directly, or through a proxy the daemon trusts: TRUST_PROXY). An expired access
 * token is renewed with the refresh token on the next page, as the CLI does.
 *
 * CSRF: a random token in its own cookie (SameSite=Strict) that every form and every
 * script request must repeat (double submit); the cookie cannot be read or set by
 * another site, so a forged request cannot carry the matching value.
 */
import {randomBytes, timingSafeEqual} from 'node:crypto'

import type {Request, Response} from 'express'

import {ANONYMOUS} from '../auth/policy.js'
import type {AuthService, TokenPair} from '../auth/service.js'
import {MaestroError} from '../domain/errors.js'
import type {RequestContext} from '../registry/types.js'

export const SESSION_COOKIE = 'maestro_session'
export const REFRESH_COOKIE = 'maestro_refresh'
export const CSRF_COOKIE = 'maestro_csrf'
/** The form field (parameter names never start with "__") and the header that repeat the CSRF cookie. */
export const CSRF_FIELD = '__csrf'
export const CSRF_HEADER = 'x-csrf-token'

/** A form or script request whose CSRF token is missing or wrong. */
export class CsrfError extends MaestroError {
  static readonly code = 'CSRF_TOKEN_INVALID'
  constructor() {
    super('the form has expired or did not come from this site; reload the page and try again', {
      code: CsrfError.code,
      status: 403,
    })
  }
}

/** Cookies of a request (no dependency: one header, a few names). */
export function readCookies(req: Request): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    const raw = part.slice(eq + 1).trim()
    try {
      if (!out.has(name)) out.set(name, decodeURIComponent(raw))
    } catch {
      // A cookie we did not set, in an encoding we do not read: ignore it.
    }
  }
  return out
}

/** Whether the browser reached us over TLS, directly or through a proxy we trust. */
export function isSecure(req: Request, trustProxy: boolean): boolean {
  if ((req.socket as {encrypted?: boolean}).encrypted) return true
  if (!trustProxy) return false
  const proto = req.headers['x-forwarded-proto']
  const first = (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase()
  return first === 'https'
}

function setCookie(
  res: Response,
  name: string,
  value: string,
  opts: {secure: boolean; sameSite: 'Lax' | 'Strict'; maxAge?: number},
): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', `SameSite=${opts.sameSite}`]
  if (opts.secure) parts.push('Secure')
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${opts.maxAge}`)
  res.append('Set-Cookie', parts.join('; '))
}

/** What a page knows of its visitor. */
export interface Visitor {
  context: RequestContext
  /** Signed in through the catalog (a session cookie). */
  signedIn: boolean
  /** Sign-in exists on this daemon (RBAC on). */
  canSignIn: boolean
  csrf: string
}

/** Stores a fresh sign-in in the cookies. */
export function startSession(res: Response, pair: TokenPair, secure: boolean): void {
  setCookie(res, SESSION_COOKIE, pair.access_token, {
    secure,
    sameSite: 'Lax',
    maxAge: pair.refresh_expires_in,
  })
  setCookie(res, REFRESH_COOKIE, pair.refresh_token, {
    secure,
    sameSite: 'Lax',
    maxAge: pair.refresh_expires_in,
  })
}

/** Removes the sign-in cookies. */
export function endSession(res: Response, secure: boolean): void {
  setCookie(res, SESSION_COOKIE, '', {secure, sameSite: 'Lax', maxAge: 0})
  setCookie(res, REFRESH_COOKIE, '', {secure, sameSite: 'Lax', maxAge: 0})
}

/**
 * Who is visiting: the session's caller (renewing an expired access token), or the
 * caller the daemon already derived from an Authorization header, or anonymous. A
 * session that no longer holds is dropped rather than refused: the visitor sees the
 * public catalog and may sign in again.
 */
export async function visitorOf(
  req: Request,
  res: Response,
  opts: {auth: AuthService | undefined; trustProxy: boolean},
): Promise<Visitor> {
  const cookies = readCookies(req)
  const secure = isSecure(req, opts.trustProxy)
  let csrf = cookies.get(CSRF_COOKIE)
  if (!csrf || !/^[\w-]{43}$/.test(csrf)) {
    csrf = randomBytes(32).toString('base64url')
    setCookie(res, CSRF_COOKIE, csrf, {secure, sameSite: 'Strict'})
  }
  const auth = opts.auth
  if (!auth) return {context: req.context, signedIn: false, canSignIn: false, csrf}
  const access = cookies.get(SESSION_COOKIE)
  const refresh = cookies.get(REFRESH_COOKIE)
  // A script or CLI sending its own token keeps the caller the daemon derived from it.
  if (req.headers.authorization || (!access && !refresh))
    return {context: req.context, signedIn: false, canSignIn: true, csrf}
  if (access) {
    try {
      const context = await auth.authenticate(`Bearer ${access}`)
      return {context, signedIn: true, canSignIn: true, csrf}
    } catch {
      // Expired or revoked: renew below.
    }
  }
  if (refresh) {
    try {
      const pair = await auth.refresh(refresh)
      startSession(res, pair, secure)
      return {
        context: {tenant: pair.tenant, user: pair.username, role: pair.role},
        signedIn: true,
        canSignIn: true,
        csrf,
      }
    } catch {
      // Spent, revoked or expired: signed out.
    }
  }
  endSession(res, secure)
  return {context: ANONYMOUS, signedIn: false, canSignIn: true, csrf}
}

/** Throws {@link CsrfError} unless the request repeats the CSRF cookie in its form field or header. */
export function checkCsrf(req: Request): void {
  const expected = readCookies(req).get(CSRF_COOKIE)
  const body = req.body as Record<string, unknown> | undefined
  const header = req.headers[CSRF_HEADER]
  const given = typeof header === 'string' ? header : body?.[CSRF_FIELD]
  if (typeof expected !== 'string' || typeof given !== 'string') throw new CsrfError()
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new CsrfError()
}
