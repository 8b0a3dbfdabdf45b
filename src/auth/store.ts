/**
 * The queries of the authentication tables. Everything that belongs to a tenant (grants,
 * API tokens, refresh tokens) is read and written with its tenant in the WHERE clause;
 * users are global (one person may hold roles in several tenants).
 */
import {randomUUID} from 'node:crypto'

import type {Kysely} from 'kysely'

import {AlreadyExistsError} from '../domain/errors.js'
import type {Role} from './policy.js'
import type {ApiTokensTable, AuthDatabase, RefreshTokensTable, TenantsTable, UsersTable} from './schema.js'
import {capabilitiesOf, type DialectCapabilities} from '../db/dialect.js'

export type UserRow = UsersTable
export type TenantRow = TenantsTable
export type ApiTokenRow = ApiTokensTable
export type RefreshTokenRow = RefreshTokensTable

/**
 * @example
 * ```ts
 * const store = new AuthStore(db)
 * await store.createTenant('acme', 'Acme Inc.')
 * const user = await store.createUser('ana', await hashPassword('...'))
 * await store.setGrant('acme', user.id, 'editor')
 * ```
 */
export class AuthStore {
  readonly #db: Kysely<AuthDatabase>
  /** What differs between the databases: here, how a unique violation reads. */
  readonly #dialect: DialectCapabilities

  constructor(db: Kysely<AuthDatabase>) {
    this.#db = db
    this.#dialect = capabilitiesOf(db)
  }

  /** For transactions spanning several calls. */
  get db(): Kysely<AuthDatabase> {
    return this.#db
  }

  // Tenants

  async createTenant(name: string, displayName: string, now = new Date().toISOString()): Promise<TenantRow> {
    const row = {name, display_name: displayName, created_at: now}
    try {
      await this.#db.insertInto('tenants').values(row).execute()
    } catch (err) {
      if (this.#dialect.isUniqueViolation(err)) throw new AlreadyExistsError('tenant', name)
      throw err
    }
    return row
  }

  getTenant(name: string): Promise<TenantRow | undefined> {
    return this.#db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst()
  }

  listTenants(only?: string): Promise<TenantRow[]> {
    let query = this.#db.selectFrom('tenants').selectAll().orderBy('name')
    if (only !== undefined) query = query.where('name', '=', only)
    return query.execute()
  }

  // Users

  async createUser(username: string, passwordHash: string, now = new Date().toISOString()): Promise<UserRow> {
    const row: UserRow = {
      id: randomUUID(),
      username,
      password_hash: passwordHash,
      disabled: 0,
      created_at: now,
    }
    try {
      await this.#db.insertInto('users').values(row).execute()
    } catch (err) {
      if (this.#dialect.isUniqueViolation(err)) throw new AlreadyExistsError('user', username)
      throw err
    }
    return row
  }

  findUser(username: string): Promise<UserRow | undefined> {
    return this.#db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
  }

  findUserById(id: string): Promise<UserRow | undefined> {
    return this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async countUsers(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.#db.updateTable('users').set({password_hash: passwordHash}).where('id', '=', userId).execute()
  }

  /** Users holding a role in `tenant` (every user with its grants when `tenant` is undefined). */
  listUsers(
    tenant?: string,
  ): Promise<
    {username: string; tenant: string | null; role: Role | null; disabled: number; created_at: string}[]
  > {
    let query = this.#db
      .selectFrom('users')
      .leftJoin('role_grants', 'role_grants.user_id', 'users.id')
      .select([
        'users.username',
        'role_grants.tenant',
        'role_grants.role',
        'users.disabled',
        'users.created_at',
      ])
      .orderBy('users.username')
      .orderBy('role_grants.tenant')
    if (tenant !== undefined) query = query.where('role_grants.tenant', '=', tenant)
    return query.execute()
  }

  // Grants

  async setGrant(tenant: string, userId: string, role: Role, now = new Date().toISOString()): Promise<void> {
    await this.#db
      .insertInto('role_grants')
      .values({tenant, user_id: userId, role, created_at: now})
      .onConflict((oc) => oc.columns(['tenant', 'user_id']).doUpdateSet({role}))
      .execute()
  }

  async removeGrant(tenant: string, userId: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('role_grants')
      .where('tenant', '=', tenant)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return Number(result.numDeletedRows) > 0
  }

  async grantOf(tenant: string, userId: string): Promise<Role | undefined> {
    const row = await this.#db
      .selectFrom('role_grants')
      .select('role')
      .where('tenant', '=', tenant)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return row?.role
  }

  grantsOf(userId: string): Promise<{tenant: string; role: Role}[]> {
    return this.#db
      .selectFrom('role_grants')
      .select(['tenant', 'role'])
      .where('user_id', '=', userId)
      .orderBy('tenant')
      .execute()
  }

  async countAdmins(tenant: string): Promise<number> {
    const row = await this.#db
      .selectFrom('role_grants')
      .innerJoin('users', 'users.id', 'role_grants.user_id')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('role_grants.tenant', '=', tenant)
      .where('role_grants.role', '=', 'admin')
      .where('users.disabled', '=', 0)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  // Refresh tokens

  async insertRefreshToken(row: Omit<RefreshTokenRow, 'id' | 'used_at' | 'revoked_at'>): Promise<void> {
    await this.#db
      .insertInto('refresh_tokens')
      .values({...row, id: randomUUID(), used_at: null, revoked_at: null})
      .execute()
  }

  findRefreshToken(hash: string): Promise<RefreshTokenRow | undefined> {
    return this.#db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst()
  }

  /**
   * Marks a live refresh token used, atomically: of two concurrent calls with the same
   * token exactly one gets true (the conditional UPDATE is the arbiter on every dialect).
   */
  async spendRefreshToken(hash: string, now: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('refresh_tokens')
      .set({used_at: now})
      .where('token_hash', '=', hash)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async revokeRefreshFamily(tenant: string, familyId: string, now: string): Promise<number> {
    const result = await this.#db
      .updateTable('refresh_tokens')
      .set({revoked_at: now})
      .where('tenant', '=', tenant)
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  /** Revokes every refresh token of a user (all their logins, in every tenant). */
  async revokeUserRefreshTokens(userId: string, now: string): Promise<number> {
    const result = await this.#db
      .updateTable('refresh_tokens')
      .set({revoked_at: now})
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  // API tokens

  async insertApiToken(row: Omit<ApiTokenRow, 'id' | 'last_used_at' | 'revoked_at'>): Promise<ApiTokenRow> {
    const full: ApiTokenRow = {...row, id: randomUUID(), last_used_at: null, revoked_at: null}
    await this.#db.insertInto('api_tokens').values(full).execute()
    return full
  }

  findApiToken(hash: string): Promise<ApiTokenRow | undefined> {
    return this.#db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst()
  }

  /** Tokens of `tenant`, only those created by `userId` when given; revoked ones included. */
  listApiTokens(tenant: string, userId?: string): Promise<(ApiTokenRow & {username: string})[]> {
    let query = this.#db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .selectAll('api_tokens')
      .select('users.username')
      .where('api_tokens.tenant', '=', tenant)
      .orderBy('api_tokens.created_at')
    if (userId !== undefined) query = query.where('api_tokens.user_id', '=', userId)
    return query.execute()
  }

  getApiToken(tenant: string, id: string): Promise<ApiTokenRow | undefined> {
    return this.#db
      .selectFrom('api_tokens')
      .selectAll()
      .where('tenant', '=', tenant)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  async revokeApiToken(tenant: string, id: string, now: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('api_tokens')
      .set({revoked_at: now})
      .where('tenant', '=', tenant)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) > 0
  }

  async touchApiToken(tenant: string, id: string, now: string): Promise<void> {
    await this.#db
      .updateTable('api_tokens')
      .set({last_used_at: now})
      .where('tenant', '=', tenant)
      .where('id', '=', id)
      .execute()
  }
}
