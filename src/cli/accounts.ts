/**
 * Tenants and users as the CLI manages them: on a daemon (RemoteAccounts over the SDK)
 * or in the local store's database (as the store owner), behind one interface so the
 * commands do not care which.
 */
import type {Role} from '../auth/policy.js'
import {OWNER_TENANT} from '../auth/policy.js'
import type {UserInfo} from '../auth/service.js'
import type {TemplateClient, TenantInfo} from '../client/index.js'
import type {Config} from '../config.js'
import type {RequestContext} from '../registry/types.js'

export interface Accounts {
  listTenants(): Promise<TenantInfo[]>
  createTenant(input: {name: string; display_name?: string}): Promise<TenantInfo>
  /** Users of `tenant` (default: the caller's; locally: every user). */
  listUsers(tenant?: string): Promise<UserInfo[]>
  createUser(input: {username: string; password: string; role?: Role}, tenant?: string): Promise<UserInfo>
  grant(username: string, role: Role, tenant?: string): Promise<UserInfo>
  revoke(username: string, tenant?: string): Promise<UserInfo>
  resetPassword(username: string, password: string): Promise<UserInfo>
  close(): Promise<void>
}

const opt = (tenant: string | undefined) => (tenant === undefined ? {} : {tenant})

/** Accounts on a daemon, as the client's signed-in caller. */
export function remoteAccounts(client: TemplateClient): Accounts {
  return {
    listTenants: () => client.listTenants(),
    createTenant: (input) => client.createTenant(input),
    listUsers: (tenant) => client.listUsers(opt(tenant)),
    createUser: (input, tenant) => client.createUser(input, opt(tenant)),
    grant: (username, role, tenant) => client.grantRole(username, role, opt(tenant)),
    revoke: (username, tenant) => client.revokeRole(username, opt(tenant)),
    resetPassword: (username, password) => client.resetPassword(username, password),
    close: async () => {},
  }
}

/** The store owner: every right, like the local CLI on templates. */
const OWNER: RequestContext = Object.freeze({tenant: OWNER_TENANT, user: 'local', role: 'admin'})

/**
 * Accounts in the database of the local store (MAESTRO_HOME or DATABASE_URL). Roles
 * without a tenant go to `public`: its admins are the daemon's platform admins.
 *
 * @example
 * ```ts
 * const accounts = await localAccounts(loadConfig())
 * await accounts.createUser({username: 'admin', password, role: 'admin'}) // a platform admin
 * await accounts.close()
 * ```
 */
export async function localAccounts(config: Config): Promise<Accounts> {
  const {openAuth} = await import('../auth/index.js')
  const {auth, close} = await openAuth(config)
  await auth.ensurePlatformTenant()
  const target = (tenant: string | undefined) => tenant ?? 'public'
  return {
    listTenants: () => auth.listTenants(OWNER),
    createTenant: (input) => auth.createTenant(input),
    listUsers: (tenant) => auth.listUsers(OWNER, tenant),
    createUser: (input, tenant) => auth.createUser(OWNER, input, target(tenant)),
    grant: (username, role, tenant) => auth.grant(OWNER, username, role, target(tenant)),
    revoke: (username, tenant) => auth.revoke(OWNER, username, target(tenant)),
    resetPassword: (username, password) => auth.resetPassword(OWNER, username, password),
    close,
  }
}
