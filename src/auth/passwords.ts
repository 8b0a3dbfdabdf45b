/**
 * Password hashing with node's scrypt (RFC 7914), no dependency.
 *
 * Parameters: N = 2^15 (cost), r = 8 (block size), p = 1, a 16-byte random salt and a
 * 32-byte key: 32 MiB of memory and roughly 50–100 ms of one core per hash, the OWASP
 * recommendation for scrypt. The parameters are stored with each hash
 * (`scrypt$N$r$p$salt$hash`, base64url), so raising them later leaves existing hashes
 * verifiable. Comparison is constant-time.
 */
import {randomBytes, scrypt, timingSafeEqual} from 'node:crypto'

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number
  r: number
  p: number
}

export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({N: 2 ** 15, r: 8, p: 1})

const KEY_LENGTH = 32
const SALT_LENGTH = 16

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128 * N * r bytes, which node's 32 MiB default does not at N = 2^15.
    const maxmem = 256 * params.N * params.r
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, {...params, maxmem}, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/**
 * Hashes a password for storage.
 *
 * @example
 * ```ts
 * const stored = await hashPassword('correct horse battery staple')
 * await verifyPassword('correct horse battery staple', stored) // true
 * ```
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const key = await derive(password, salt, params)
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  )
}

/** Whether `password` matches `stored` (false for a malformed hash, never a throw). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false
  const expected = Buffer.from(parts[5]!, 'base64url')
  if (expected.length !== KEY_LENGTH) return false
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), {N, r, p})
  return timingSafeEqual(key, expected)
}

/**
 * A hash of a random password, verified when a username is unknown so that "no such
 * user" and "wrong password" take the same time.
 */
let decoy: Promise<string> | undefined
export function decoyHash(params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'), params)
  return decoy
}
