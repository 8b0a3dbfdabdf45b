/**
 * Row types of the authentication tables (migration 2026_12_01_0003_auth), as kysely
 * sees them. Kept apart from src/db/schema.ts: only src/auth touches these tables.
 */
import type {Role} from './policy.js'

export interface TenantsTable {
  name: string
  display_name: string
  created_at: string
}

export interface UsersTable {
  id: string
  username: string
  /** `scrypt$N$r$p$salt$hash` (see passwords.ts). */
  password_hash: string
  /** 1 when the user may no longer sign in (its tokens stop working too). */
  disabled: number
  created_at: string
}

export interface RoleGrantsTable {
  tenant: string
  user_id: string
  role: Role
  created_at: string
}

export interface RefreshTokensTable {
  id: string
  family_id: string
  tenant: string
  user_id: string
  /** sha256 (hex) of the token; the token itself is never stored. */
  token_hash: string
  created_at: string
  expires_at: string
  used_at: string | null
  revoked_at: string | null
}

export interface ApiTokensTable {
  id: string
  tenant: string
  user_id: string
  name: string
  role: Role
  token_hash: string
  prefix: string
  created_at: string
  expires_at: string | null
  last_used_at: string | null
  revoked_at: string | null
}

export interface AuthDatabase {
  tenants: TenantsTable
  users: UsersTable
  role_grants: RoleGrantsTable
  refresh_tokens: RefreshTokensTable
  api_tokens: ApiTokensTable
}
