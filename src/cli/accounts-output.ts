import type {ApiTokenInfo, UserInfo} from '../auth/service.js'
import type {TenantInfo} from '../client/index.js'
import {table} from '../ui/table.js'

/** Human renderings of tenants, users and API tokens. */

export function printTenants(tenants: TenantInfo[]): string {
  if (tenants.length === 0) return 'No tenants.'
  return table(tenants, [
    {key: 'name', header: 'NAME'},
    {key: 'display_name', header: 'DISPLAY NAME', max: 40},
    {key: 'created_at', header: 'CREATED'},
  ])
}

export function printUsers(users: UserInfo[]): string {
  if (users.length === 0) return 'No users.'
  const rows = users.map((u) => ({
    ...u,
    roleList: u.roles.map((r) => `${r.role}@${r.tenant}`).join(', ') || '-',
    state: u.disabled ? 'disabled' : 'active',
  }))
  return table(rows, [
    {key: 'username', header: 'USERNAME'},
    {key: 'roleList', header: 'ROLES', max: 60},
    {key: 'state', header: 'STATE'},
  ])
}

export function printTokens(tokens: ApiTokenInfo[]): string {
  if (tokens.length === 0) return 'No API tokens.'
  const rows = tokens.map((t) => ({
    ...t,
    state: t.revoked_at
      ? 'revoked'
      : t.expires_at && t.expires_at < new Date().toISOString()
        ? 'expired'
        : 'active',
    expires: t.expires_at ?? 'never',
    used: t.last_used_at ?? 'never',
  }))
  return table(rows, [
    {key: 'id', header: 'ID'},
    {key: 'name', header: 'NAME', max: 30},
    {key: 'prefix', header: 'PREFIX'},
    {key: 'role', header: 'ROLE'},
    {key: 'username', header: 'OWNER'},
    {key: 'state', header: 'STATE'},
    {key: 'expires', header: 'EXPIRES'},
    {key: 'used', header: 'LAST USED'},
  ])
}
