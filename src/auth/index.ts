/**
 * Authentication, authorization and tenancy: users, tenants, role grants, access JWTs,
 * rotating refresh tokens, API tokens and the policy of src/auth/policy.ts.
 */
import type {Kysely} from 'kysely'

import type {Config} from '../config.js'
import {createDb} from '../db/database.js'
import {migrateToLatest} from '../db/migrate.js'
import {join} from 'node:path'
import type {ScryptParams} from './passwords.js'
import type {AuthDatabase} from './schema.js'
import {AuthService} from './service.js'
import {AuthStore} from './store.js'

export * from './errors.js'
export * from './policy.js'
export {AccessTokens, JWT_ALGORITHM, JWT_AUDIENCE, JWT_ISSUER, JWT_TYPE} from './jwt.js'
export {DEFAULT_SCRYPT, hashPassword, verifyPassword} from './passwords.js'
export {API_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, assertStrongSecret, tokenHash} from './secrets.js'
export {AuthService} from './service.js'
export type {ApiTokenInfo, CreatedApiToken, TokenPair, UserInfo} from './service.js'
export {AuthStore} from './store.js'
export {RateLimiter} from './rate-limit.js'

/**
 * Opens the authentication tables of the store `config` names (the same database as the
 * template index: DATABASE_URL, or `<MAESTRO_HOME>/index.db`), migrated to the latest schema.
 * `secretKey` may be omitted where no token is signed (the local CLI managing users).
 *
 * @example
 * ```ts
 * const {auth, close} = await openAuth(loadConfig(), {secretKey: config.secretKey!})
 * await auth.bootstrap({username: 'admin', password: 'a long password'})
 * await close()
 * ```
 */
export async function openAuth(
  config: Config,
  opts: {secretKey?: string | undefined; scrypt?: ScryptParams} = {},
): Promise<{auth: AuthService; close: () => Promise<void>}> {
  const db = createDb({url: config.databaseUrl ?? `sqlite:${join(config.home, 'index.db')}`})
  try {
    await migrateToLatest(db)
  } catch (err) {
    await db.destroy()
    throw err
  }
  const auth = new AuthService(new AuthStore(db as unknown as Kysely<AuthDatabase>), {
    // The local CLI signs no token: a random key keeps AccessTokens usable and harmless.
    secretKey: opts.secretKey ?? crypto.randomUUID() + crypto.randomUUID(),
    accessTtlSeconds: config.accessTokenTtl,
    refreshTtlSeconds: config.refreshTokenTtl,
    ...(opts.scrypt ? {scrypt: opts.scrypt} : {}),
  })
  return {auth, close: () => db.destroy()}
}
