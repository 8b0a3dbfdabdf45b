/**
 * AuthService: sign-in, token rotation, API tokens and the administration of tenants,
 * users and grants, with every rule of src/auth/policy.ts applied. The daemon's routes
 * and the local CLI both go through it.
 */
import {randomBytes, randomUUID} from 'node:crypto'
import type {IncomingMessage} from 'node:http'

import {NotFoundError, UsageError, ConflictError} from '../domain/errors.js'
import type {RequestContext} from '../domain/registry.js'
import {AuthenticationError, ForbiddenError} from './errors.js'
import {AccessTokens} from './jwt.js'
import {DEFAULT_SCRYPT, decoyHash, hashPassword, verifyPassword} from './passwords.js'
import type {ScryptParams} from './passwords.js'
import {
  ANONYMOUS,
  PLATFORM_TENANT,
  RESERVED_TENANTS,
  isPlatformAdmin,
  lowerRole,
  roleAtLeast,
} from './policy.js'
import type {Role} from './policy.js'
import {API_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, newOpaqueToken, tokenHash} from './secrets.js'
import type {AuthStore} from './store.js'
import type {ApiTokenInfo, CreatedApiToken, TokenPair, UserInfo} from '../domain/accounts.js'

export type {ApiTokenInfo, CreatedApiToken, TokenPair, UserInfo} from '../domain/accounts.js'

export const TENANT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/
/** Lowercase, so `Ana` and `ana` can never be two people. */
export const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,99}$/
export const MIN_PASSWORD_LENGTH = 12

export interface AuthServiceOptions {
  secretKey: string
  /** Access token lifetime (seconds, default 1800). */
  accessTtlSeconds?: number
  /** Refresh token lifetime (seconds, default 14 days). */
  refreshTtlSeconds?: number
  scrypt?: ScryptParams
  now?: () => Date
}

/** How often a used API token's `last_used_at` is written (ms): not on every request. */
const TOUCH_EVERY_MS = 60_000

/**
 * @example
 * ```ts
 * const auth = new AuthService(new AuthStore(db), {secretKey: process.env.SECRET_KEY!})
 * const pair = await auth.login({username: 'ana', password: '...'})
 * const caller = await auth.authenticate(`Bearer ${pair.access_token}`)
 * ```
 */
export class AuthService {
  readonly store: AuthStore
  readonly accessTokens: AccessTokens
  readonly #refreshTtl: number
  readonly #scrypt: ScryptParams
  readonly #now: () => Date

  constructor(store: AuthStore, options: AuthServiceOptions) {
    this.store = store
    this.accessTokens = new AccessTokens(options.secretKey, options.accessTtlSeconds ?? 1800)
    this.#refreshTtl = options.refreshTtlSeconds ?? 14 * 24 * 3600
    this.#scrypt = options.scrypt ?? DEFAULT_SCRYPT
    this.#now = options.now ?? (() => new Date())
  }

  #iso(offsetSeconds = 0): string {
    return new Date(this.#now().getTime() + offsetSeconds * 1000).toISOString()
  }

  // Sign-in and tokens

  /**
   * Checks a username and password and issues a token pair for one tenant: the one
   * named, or the user's only tenant. The same answer for an unknown user and a wrong
   * password, in the same time.
   */
  async login(input: {username: string; password: string; tenant?: string | undefined}): Promise<TokenPair> {
    const user = await this.store.findUser(input.username.toLowerCase())
    // An unknown user costs the same scrypt as a known one: timing does not tell them apart.
    const ok = await verifyPassword(input.password, user?.password_hash ?? (await decoyHash(this.#scrypt)))
    if (!user || !ok || user.disabled) throw new AuthenticationError('wrong username or password')
    const grants = await this.store.grantsOf(user.id)
    let grant = grants[0]
    if (input.tenant !== undefined) {
      grant = grants.find((g) => g.tenant === input.tenant)
      if (!grant)
        throw new ForbiddenError(`you have no role in tenant ${input.tenant}`, {tenant: input.tenant})
    } else if (grants.length > 1) {
      throw new UsageError(
        `you have roles in several tenants; say which one: ${grants.map((g) => g.tenant).join(', ')}`,
        {
          tenants: grants.map((g) => g.tenant),
        },
      )
    }
    if (!grant) throw new ForbiddenError('you have no role in any tenant; ask an admin to grant you one')
    return this.#issue(user.id, user.username, grant.tenant, grant.role, randomUUID())
  }

  async #issue(
    userId: string,
    username: string,
    tenant: string,
    role: Role,
    familyId: string,
  ): Promise<TokenPair> {
    const refresh = newOpaqueToken(REFRESH_TOKEN_PREFIX)
    await this.store.insertRefreshToken({
      family_id: familyId,
      tenant,
      user_id: userId,
      token_hash: tokenHash(refresh),
      created_at: this.#iso(),
      expires_at: this.#iso(this.#refreshTtl),
    })
    return {
      access_token: await this.accessTokens.issue({sub: userId, username, tenant, role}),
      token_type: 'Bearer',
      expires_in: this.accessTokens.ttlSeconds,
      refresh_token: refresh,
      refresh_expires_in: this.#refreshTtl,
      username,
      tenant,
      role,
    }
  }

  /**
   * Exchanges a refresh token for a new pair; the old one is spent. Presenting a spent
   * token again means it leaked (or raced): its whole family is revoked, so whoever
   * holds any token of it must sign in again. The role comes from the grant as it is now.
   */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const hash = tokenHash(refreshToken)
    const now = this.#iso()
    const row = await this.store.findRefreshToken(hash)
    if (!row) throw new AuthenticationError('unknown refresh token; sign in again', {invalidToken: true})
    if (!(await this.store.spendRefreshToken(hash, now))) {
      if (row.used_at !== null || (await this.store.findRefreshToken(hash))?.used_at) {
        await this.store.revokeRefreshFamily(row.tenant, row.family_id, now)
        throw new AuthenticationError(
          'this refresh token was already used: every session of its login is revoked; sign in again',
          {invalidToken: true, data: {reason: 'reused'}},
        )
      }
      throw new AuthenticationError('the refresh token has expired or was revoked; sign in again', {
        invalidToken: true,
      })
    }
    const user = await this.store.findUserById(row.user_id)
    const role = user && !user.disabled ? await this.store.grantOf(row.tenant, row.user_id) : undefined
    if (!user || !role) {
      await this.store.revokeRefreshFamily(row.tenant, row.family_id, now)
      throw new AuthenticationError(`you no longer have a role in tenant ${row.tenant}`, {invalidToken: true})
    }
    return this.#issue(user.id, user.username, row.tenant, role, row.family_id)
  }

  /** Revokes the refresh token's whole family (this login on every device that shares it). */
  async logout(refreshToken: string): Promise<{revoked: boolean}> {
    const row = await this.store.findRefreshToken(tokenHash(refreshToken))
    if (!row) return {revoked: false}
    return {revoked: (await this.store.revokeRefreshFamily(row.tenant, row.family_id, this.#iso())) > 0}
  }

  /**
   * Changes the caller's own password, given the current one, and ends every login of
   * theirs (refresh tokens); access tokens already issued run out within their TTL.
   */
  async changePassword(
    context: RequestContext,
    input: {current_password: string; new_password: string},
  ): Promise<{changed: true; sessions_revoked: number}> {
    const user = await this.#caller(context)
    const row = (await this.store.findUserById(user.id))!
    if (!(await verifyPassword(input.current_password, row.password_hash)))
      throw new ForbiddenError('the current password is wrong')
    assertPassword(input.new_password)
    await this.store.setPassword(user.id, await hashPassword(input.new_password, this.#scrypt))
    return {changed: true, sessions_revoked: await this.store.revokeUserRefreshTokens(user.id, this.#iso())}
  }

  /**
   * The caller of a request from its `Authorization` header: {@link ANONYMOUS} without
   * one; an API token (`mtp_...`) or an access JWT otherwise. Bad credentials throw
   * (401): a request with a broken token is never served as anonymous.
   */
  async authenticate(authorization: string | undefined): Promise<RequestContext> {
    if (authorization === undefined || authorization === '') return ANONYMOUS
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization)
    if (!match)
      throw new AuthenticationError('the Authorization header must be `Bearer <token>`', {invalidToken: true})
    const token = match[1]!
    if (token.startsWith(API_TOKEN_PREFIX)) return this.#apiToken(token)
    const claims = await this.accessTokens.verify(token)
    return {tenant: claims.tenant, user: claims.username, role: claims.role}
  }

  /** {@link authenticate} as the daemon's hook (bare Node request). */
  authenticator(): (req: IncomingMessage) => RequestContext | Promise<RequestContext> {
    // No header: answered synchronously, so anonymous hot-path reads pay no promise.
    return (req) => (req.headers.authorization ? this.authenticate(req.headers.authorization) : ANONYMOUS)
  }

  async #apiToken(token: string): Promise<RequestContext> {
    const row = await this.store.findApiToken(tokenHash(token))
    const now = this.#now()
    if (!row || row.revoked_at !== null)
      throw new AuthenticationError('unknown or revoked API token', {invalidToken: true})
    if (row.expires_at !== null && row.expires_at <= now.toISOString())
      throw new AuthenticationError('the API token has expired', {invalidToken: true})
    const user = await this.store.findUserById(row.user_id)
    const current = user && !user.disabled ? await this.store.grantOf(row.tenant, row.user_id) : undefined
    // A token never outlives or exceeds its creator's role in the tenant.
    if (!user || !current)
      throw new AuthenticationError('the API token belongs to a user without a role in its tenant', {
        invalidToken: true,
      })
    if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) > TOUCH_EVERY_MS)
      await this.store.touchApiToken(row.tenant, row.id, now.toISOString())
    return {tenant: row.tenant, user: user.username, role: lowerRole(row.role, current)}
  }

  // API tokens

  async #caller(context: RequestContext): Promise<{id: string; username: string}> {
    const user = context.anonymous ? undefined : await this.store.findUser(context.user)
    if (!user) throw new ForbiddenError('API tokens belong to a signed-in user; sign in first')
    return user
  }

  /**
   * Creates an API token in the caller's tenant, with the caller's role or a lower one.
   * The secret is in this answer only.
   */
  async createApiToken(
    context: RequestContext,
    input: {name: string; role?: Role | undefined; expires_in_days?: number | undefined},
  ): Promise<CreatedApiToken> {
    const user = await this.#caller(context)
    const role = input.role ?? context.role
    if (!roleAtLeast(context.role, role))
      throw new ForbiddenError(`a ${context.role} cannot create a token with the ${role} role`, {role})
    const token = newOpaqueToken(API_TOKEN_PREFIX)
    const row = await this.store.insertApiToken({
      tenant: context.tenant,
      user_id: user.id,
      name: input.name,
      role,
      token_hash: tokenHash(token),
      prefix: token.slice(0, API_TOKEN_PREFIX.length + 8),
      created_at: this.#iso(),
      expires_at: input.expires_in_days === undefined ? null : this.#iso(input.expires_in_days * 86400),
    })
    return {...info({...row, username: user.username}), token}
  }

  /** The tenant's tokens: all of them for an admin, the caller's own otherwise. */
  async listApiTokens(context: RequestContext): Promise<ApiTokenInfo[]> {
    const user = await this.#caller(context)
    const rows = await this.store.listApiTokens(
      context.tenant,
      context.role === 'admin' ? undefined : user.id,
    )
    return rows.map(info)
  }

  /** Revokes a token of the caller's tenant (own tokens; any of the tenant's for an admin). */
  async revokeApiToken(context: RequestContext, id: string): Promise<ApiTokenInfo> {
    const user = await this.#caller(context)
    const row = await this.store.getApiToken(context.tenant, id)
    // Another tenant's token, or another user's for a non-admin: as if it did not exist.
    if (!row || (context.role !== 'admin' && row.user_id !== user.id))
      throw new NotFoundError('API token', id)
    await this.store.revokeApiToken(context.tenant, id, this.#iso())
    const revoked = await this.store.getApiToken(context.tenant, id)
    const owner = await this.store.findUserById(revoked!.user_id)
    return info({...revoked!, username: owner?.username ?? ''})
  }

  // Administration

  /**
   * The tenant an admin request acts on: the caller's own, or (platform admins only)
   * the one named by `?tenant=`.
   */
  async #targetTenant(context: RequestContext, tenant: string | undefined): Promise<string> {
    if (tenant === undefined || tenant === context.tenant) return context.tenant
    if (!isPlatformAdmin(context))
      throw new ForbiddenError(`you administer tenant ${context.tenant} only`, {tenant: context.tenant})
    if (!(await this.store.getTenant(tenant))) throw new NotFoundError('tenant', tenant)
    return tenant
  }

  async createTenant(input: {
    name: string
    display_name?: string | undefined
  }): Promise<{name: string; display_name: string; created_at: string}> {
    if (!TENANT_NAME.test(input.name))
      throw new UsageError(
        'a tenant name is 1-63 lowercase letters, digits, _ or -, starting with a letter or digit',
      )
    if (RESERVED_TENANTS.includes(input.name)) throw new UsageError(`${input.name} is a reserved tenant name`)
    return this.store.createTenant(input.name, input.display_name ?? input.name)
  }

  /** Every tenant for a platform admin; the caller's own otherwise. */
  listTenants(context: RequestContext): Promise<{name: string; display_name: string; created_at: string}[]> {
    return this.store.listTenants(isPlatformAdmin(context) ? undefined : context.tenant)
  }

  /** Users with a role in the tenant (every user, for a platform admin asking for no tenant in particular). */
  async listUsers(context: RequestContext, tenant?: string): Promise<UserInfo[]> {
    const scope =
      tenant === undefined && isPlatformAdmin(context) ? undefined : await this.#targetTenant(context, tenant)
    const rows = await this.store.listUsers(scope)
    const byName = new Map<string, UserInfo>()
    for (const row of rows) {
      let user = byName.get(row.username)
      if (!user) {
        user = {username: row.username, disabled: row.disabled !== 0, created_at: row.created_at, roles: []}
        byName.set(row.username, user)
      }
      if (row.tenant !== null && row.role !== null) user.roles.push({tenant: row.tenant, role: row.role})
    }
    return [...byName.values()]
  }

  /**
   * Creates a user, and grants it `role` in the target tenant when given; a tenant admin's
   * new user always gets a role in its tenant (viewer unless `role` says otherwise).
   */
  async createUser(
    context: RequestContext,
    input: {username: string; password: string; role?: Role | undefined},
    tenant?: string,
  ): Promise<UserInfo> {
    const target = await this.#targetTenant(context, tenant)
    if (!USERNAME.test(input.username))
      throw new UsageError(
        'a username is 1-100 lowercase letters, digits, ., _, @ or -, starting with a letter or digit',
      )
    assertPassword(input.password)
    // A tenant admin's users belong to its tenant: without a role they would be out of its reach.
    const role = input.role ?? (isPlatformAdmin(context) ? undefined : 'viewer')
    const user = await this.store.createUser(input.username, await hashPassword(input.password, this.#scrypt))
    if (role) await this.store.setGrant(target, user.id, role)
    return (
      (await this.listUsers(context, target)).find((u) => u.username === user.username) ?? {
        username: user.username,
        disabled: false,
        created_at: user.created_at,
        roles: [],
      }
    )
  }

  /**
   * Gives (or changes) a user's role in the target tenant. A platform admin may grant to
   * any user; a tenant admin only to users who already hold a role in its tenant (new
   * members come in through {@link createUser}). Anyone else, whether the account exists
   * or not, gets the same 404: a tenant admin learns nothing about other tenants' users.
   */
  async grant(context: RequestContext, username: string, role: Role, tenant?: string): Promise<UserInfo> {
    const target = await this.#targetTenant(context, tenant)
    const user = await this.store.findUser(username)
    const before = user ? await this.store.grantOf(target, user.id) : undefined
    if (!user || (!before && !isPlatformAdmin(context))) throw notInTenant(username, target)
    if (before === 'admin' && role !== 'admin') await this.#keepAnAdmin(target)
    await this.store.setGrant(target, user.id, role)
    return this.#userInfo(user.id, context, target)
  }

  /**
   * Sets another user's password (platform admins, and the store owner: the way back
   * for a forgotten password) and ends every login of theirs.
   */
  async resetPassword(context: RequestContext, username: string, password: string): Promise<UserInfo> {
    if (!isPlatformAdmin(context))
      throw new ForbiddenError("only platform admins may set another user's password")
    const user = await this.store.findUser(username)
    if (!user) throw new NotFoundError('user', username)
    assertPassword(password)
    await this.store.setPassword(user.id, await hashPassword(password, this.#scrypt))
    await this.store.revokeUserRefreshTokens(user.id, this.#iso())
    return this.#userInfo(user.id, context, context.tenant)
  }

  /** Takes a user's role in the target tenant away (its tokens there stop working). */
  async revoke(context: RequestContext, username: string, tenant?: string): Promise<UserInfo> {
    const target = await this.#targetTenant(context, tenant)
    const user = await this.store.findUser(username)
    const before = user ? await this.store.grantOf(target, user.id) : undefined
    if (!user || !before) throw notInTenant(username, target)
    if (before === 'admin') await this.#keepAnAdmin(target)
    await this.store.removeGrant(target, user.id)
    return this.#userInfo(user.id, context, target)
  }

  async #keepAnAdmin(tenant: string): Promise<void> {
    if ((await this.store.countAdmins(tenant)) <= 1)
      throw new ConflictError(`that is the last admin of tenant ${tenant}; make someone else admin first`, {
        tenant,
      })
  }

  /** A user as `context` may see it: a tenant admin sees its roles in `tenant` only, never in other tenants. */
  async #userInfo(userId: string, context: RequestContext, tenant: string): Promise<UserInfo> {
    const user = (await this.store.findUserById(userId))!
    const roles = await this.store.grantsOf(user.id)
    return {
      username: user.username,
      disabled: user.disabled !== 0,
      created_at: user.created_at,
      roles: isPlatformAdmin(context) ? roles : roles.filter((r) => r.tenant === tenant),
    }
  }

  /** Creates the `public` tenant (whose admins are platform admins) if it is missing. */
  async ensurePlatformTenant(): Promise<void> {
    if (!(await this.store.getTenant(PLATFORM_TENANT)))
      await this.store.createTenant(PLATFORM_TENANT, 'Platform and public catalog')
  }

  /**
   * First start: when there is no user at all, creates the `public` tenant and an admin
   * of it (a platform admin). Returns the password when it generated one (the caller
   * shows it once), null when it created nothing.
   *
   * @example
   * ```ts
   * const created = await auth.bootstrap({username: 'admin', password: process.env.MAESTRO_ADMIN_PASSWORD})
   * ```
   */
  async bootstrap(input: {username: string; password?: string | undefined}): Promise<{
    username: string
    generatedPassword: string | null
  } | null> {
    if ((await this.store.countUsers()) > 0) return null
    if (!USERNAME.test(input.username))
      throw new UsageError(
        `MAESTRO_ADMIN_USERNAME ${JSON.stringify(input.username)} is not a valid username: lowercase letters, digits, ., _, @ or -`,
      )
    const generated = input.password ? null : randomBytes(18).toString('base64url')
    const password = input.password ?? generated!
    assertPassword(password)
    await this.ensurePlatformTenant()
    const user = await this.store.createUser(input.username, await hashPassword(password, this.#scrypt))
    await this.store.setGrant(PLATFORM_TENANT, user.id, 'admin')
    return {username: user.username, generatedPassword: generated}
  }
}

/** One answer for a name that is unknown and for one that belongs to another tenant. */
function notInTenant(username: string, tenant: string): NotFoundError {
  return new NotFoundError('user', username, `No user of that name has a role in tenant ${tenant}`)
}

function assertPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new UsageError(`a password must have at least ${MIN_PASSWORD_LENGTH} characters`)
}

/** The listing fields of a token row (never its hash). */
function info(row: ApiTokenInfo): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    tenant: row.tenant,
    role: row.role,
    username: row.username,
    prefix: row.prefix,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
    revoked_at: row.revoked_at,
  }
}
