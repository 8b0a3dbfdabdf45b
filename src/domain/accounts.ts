/**
 * The account shapes the API answers with (login, API tokens, users): shared by the
 * auth service that builds them and the SDK that reads them.
 */
import type {RequestContext} from './registry.js'

type Role = RequestContext['role']

/** What login and refresh answer. */
export interface TokenPair {
  access_token: string
  token_type: 'Bearer'
  /** Seconds the access token lives. */
  expires_in: number
  refresh_token: string
  refresh_expires_in: number
  username: string
  tenant: string
  role: Role
}

/** An API token as listed: everything but the secret. */
export interface ApiTokenInfo {
  id: string
  name: string
  tenant: string
  role: Role
  /** Who created it. */
  username: string
  /** The first characters of the secret (`mtp_AbCdEfGh`), to recognise it. */
  prefix: string
  created_at: string
  expires_at: string | null
  last_used_at: string | null
  revoked_at: string | null
}

/** The one answer that shows the secret. */
export interface CreatedApiToken extends ApiTokenInfo {
  token: string
}

/** A user as the admin endpoints show it. */
export interface UserInfo {
  username: string
  disabled: boolean
  created_at: string
  roles: {tenant: string; role: Role}[]
}
