/**
 * Authentication, authorization and tenancy: users, tenants, role grants, access JWTs,
 * rotating refresh tokens, API tokens and the policy of src/auth/policy.ts.
 */
import type {Kysely} from 'kysely'

import type {Config} from '../config.js'
import {createDb, indexDbConfig} from '../db/database.js'
import type {Database} from '../db/schema.js'
import {migrateToLatest} from '../db/migrate.js'
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

/** How tokens are signed and how long they live. */
export interface AuthOptions {
  /** Omitted where no token is signed (the local CLI managing users). */
  secretKey?: string | undefined
  scrypt?: ScryptParams | undefined
}

/**
 * The accounts on an opened database handle: the daemon passes its registry's, so users,
 * tokens and templates share one pool and one migrated schema.
 *
 * @example
 * ```ts
 * const auth = authService(registry.shared.db, config, {secretKey: config.secretKey})
 * ```
 */
export function authService(db: Kysely<Database>, config: Config, opts: AuthOptions = {}): AuthService {
  return new AuthService(new AuthStore(db as unknown as Kysely<AuthDatabase>), {
    // The local CLI signs no token: a random key keeps AccessTokens usable and harmless.
    secretKey: opts.secretKey ?? crypto.randomUUID() + crypto.randomUUID(),
    accessTtlSeconds: config.accessTokenTtl,
    refreshTtlSeconds: config.refreshTokenTtl,
    ...(opts.scrypt ? {scrypt: opts.scrypt} : {}),
  })
}

/**
 * Opens the authentication tables of the store `config` names (the same database as the
 * template index, with the same pool settings: DATABASE_URL, or `<MAESTRO_HOME>/index.db`),
 * migrated to the latest schema. For a process without a registry open (the CLI's account
 * commands); the daemon uses {@link authService} on its registry's handle.
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
  opts: AuthOptions = {},
): Promise<{auth: AuthService; close: () => Promise<void>}> {
  const db = createDb(indexDbConfig(config))
  try {
    await migrateToLatest(db)
  } catch (err) {
    await db.destroy()
    throw err
  }
  return {auth: authService(db, config, opts), close: () => db.destroy()}
}
