import {describe, expect, it, vi} from 'vitest'

import {AuthenticationError, ForbiddenError, RateLimitedError} from '../../../src/auth/errors.js'
import {AccessTokens} from '../../../src/auth/jwt.js'
import {DEFAULT_SCRYPT, hashPassword, verifyPassword} from '../../../src/auth/passwords.js'
import {ANONYMOUS, authorize, isPlatformAdmin} from '../../../src/auth/policy.js'
import {RateLimiter} from '../../../src/auth/rate-limit.js'
import {API_TOKEN_PREFIX, assertStrongSecret, newOpaqueToken, tokenHash} from '../../../src/auth/secrets.js'

const SECRET = 'Vq7#pL2!xR9@mK4$wT6^zN8&bH3*cJ5(dF1)gS0-'

describe('passwords', () => {
  it('stores scrypt with its parameters and a salt, and verifies in constant time', async () => {
    const stored = await hashPassword('correct horse battery staple')
    expect(stored).toMatch(new RegExp(`^scrypt\\$${DEFAULT_SCRYPT.N}\\$8\\$1\\$[\\w-]{22}\\$[\\w-]{43}$`))
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true)
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false)
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'))
  })

  it('verifies hashes made with other parameters, and rejects malformed ones without throwing', async () => {
    const cheap = await hashPassword('pw', {N: 1024, r: 8, p: 1})
    expect(await verifyPassword('pw', cheap)).toBe(true)
    for (const bad of ['', 'plain', 'scrypt$x$8$1$salt$hash', 'bcrypt$1$2$3$4$5'])
      expect(await verifyPassword('pw', bad)).toBe(false)
  })
})

describe('SECRET_KEY', () => {
  it('accepts 32 random bytes and refuses short, example and low-variety values', () => {
    expect(() => assertStrongSecret(SECRET)).not.toThrow()
    for (const bad of [
      undefined,
      '',
      'x'.repeat(31),
      'change-me-to-a-long-random-secret',
      'changeme'.repeat(5),
      'ab'.repeat(20),
    ])
      expect(() => assertStrongSecret(bad), String(bad)).toThrow(/SECRET_KEY/)
  })
})

describe('opaque tokens', () => {
  it('carry their prefix and 256 random bits, and are stored as sha256', () => {
    const token = newOpaqueToken(API_TOKEN_PREFIX)
    expect(token).toMatch(/^mtp_[A-Za-z0-9_-]{43}$/)
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/)
    expect(newOpaqueToken(API_TOKEN_PREFIX)).not.toBe(token)
  })
})

describe('AccessTokens', () => {
  it('round-trips its claims and refuses a token signed with another secret', async () => {
    const tokens = new AccessTokens(SECRET, 60)
    const jwt = await tokens.issue({sub: 'u1', username: 'ana', tenant: 'acme', role: 'editor'})
    expect(await tokens.verify(jwt)).toEqual({sub: 'u1', username: 'ana', tenant: 'acme', role: 'editor'})
    const other = new AccessTokens(`${SECRET}x`, 60)
    await expect(other.verify(jwt)).rejects.toBeInstanceOf(AuthenticationError)
  })
})

describe('AccessTokens expiry', () => {
  it('stops accepting a token at its expiry, also once it has been verified before', async () => {
    vi.useFakeTimers({toFake: ['Date']})
    try {
      const tokens = new AccessTokens(SECRET, 60)
      const jwt = await tokens.issue({sub: 'u1', username: 'ana', tenant: 'acme', role: 'editor'})
      await tokens.verify(jwt)
      vi.setSystemTime(Date.now() + 61_000)
      await expect(tokens.verify(jwt)).rejects.toThrow(/expired/)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('policy', () => {
  it('asks the anonymous to sign in, and tells the signed-in what role they lack', () => {
    expect(() => authorize(ANONYMOUS, 'template:read')).not.toThrow()
    expect(() => authorize(ANONYMOUS, 'template:use')).toThrow(AuthenticationError)
    const viewer = {tenant: 'acme', user: 'v', role: 'viewer'} as const
    expect(() => authorize(viewer, 'template:use')).not.toThrow()
    expect(() => authorize(viewer, 'template:write')).toThrow(ForbiddenError)
    const admin = {tenant: 'acme', user: 'a', role: 'admin'} as const
    expect(() => authorize(admin, 'admin')).not.toThrow()
    expect(() => authorize(admin, 'platform')).toThrow(ForbiddenError)
    expect(isPlatformAdmin({tenant: 'public', user: 'root', role: 'admin'})).toBe(true)
    expect(isPlatformAdmin({...ANONYMOUS, role: 'admin'})).toBe(false)
  })
})

describe('RateLimiter', () => {
  it('allows the limit per window and key, then says how long to wait', () => {
    let now = 0
    const limiter = new RateLimiter({limit: 2, windowMs: 60_000, now: () => now})
    limiter.hit('a')
    limiter.hit('a')
    limiter.hit('b')
    now = 15_000
    const error = (() => {
      try {
        limiter.hit('a')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(RateLimitedError)
    expect((error as RateLimitedError).retryAfter).toBe(45)
    now = 60_000
    expect(() => limiter.hit('a')).not.toThrow()
  })
})
