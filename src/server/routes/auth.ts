/**
 * /api/v1/auth (sign-in, refresh, logout, API tokens, who am I) and the account
 * administration under /api/v1/admin (tenants, users, role grants). Who may call what is
 * declared per route (src/auth/policy.ts); the tenant acted on is always the caller's,
 * or for a platform admin the one named by `?tenant=`, never a body field.
 */
import express from 'express'
import type {Router} from 'express'

import type {AuthService} from '../../auth/service.js'
import type {Role} from '../../auth/policy.js'
import {MaestroError} from '../../domain/errors.js'
import {TENANT_SCHEMA, USERNAME_SCHEMA} from '../auth-schemas.js'
import {defineRoute, mountRoutes} from '../route.js'
import type {RouteSpec} from '../route.js'
import {ref} from '../schemas.js'
import type {RouterDeps} from '../types.js'

const AUTH = 'auth'
const ACCOUNTS = 'accounts'

const tenantQuery = {
  tenant: {...TENANT_SCHEMA, description: 'Act on this tenant (platform admins only; default: your own)'},
}
const usernameParam = {username: USERNAME_SCHEMA}

/** The daemon's AuthService, or a clear answer when authentication is off. */
function authOf(deps: RouterDeps): AuthService {
  if (!deps.auth)
    throw new MaestroError(
      'authentication is off on this daemon (ENABLE_RBAC=false): every caller is its admin, there is nothing to sign in to',
      {code: 'AUTH_DISABLED', status: 404},
    )
  return deps.auth
}

export const AUTH_ROUTES = (): RouteSpec[] => [
  defineRoute<
    Record<string, never>,
    Record<string, never>,
    {username: string; password: string; tenant?: string}
  >({
    method: 'post',
    path: '/api/v1/auth/login',
    operationId: 'login',
    summary: 'Sign in with a username and password: an access JWT and a refresh token',
    description:
      'Rate limited per client address and username (429 with Retry-After). The access token lives ACCESS_TOKEN_TTL seconds (default 1800); the refresh token is single use.',
    tags: [AUTH],
    permission: 'none',
    body: {schema: ref('LoginRequest'), size: 'json'},
    responses: {
      '200': {description: 'Signed in', schema: ref('TokenPair')},
      '429': {
        description: 'Too many attempts (code RATE_LIMITED)',
        headers: {'Retry-After': {description: 'Seconds to wait', schema: {type: 'integer'}}},
      },
    },
    handle: ({req, deps, body}) => {
      const auth = authOf(deps)
      deps.loginLimiter.hit(
        `${req.socket.remoteAddress ?? ''}\0${body.username.toLowerCase()}`,
        'sign-in attempts',
      )
      return auth.login(body)
    },
  }),
  defineRoute<Record<string, never>, Record<string, never>, {refresh_token: string}>({
    method: 'post',
    path: '/api/v1/auth/refresh',
    operationId: 'refreshToken',
    summary: 'Exchange a refresh token for a new pair (the old one is spent; reusing it revokes the login)',
    tags: [AUTH],
    permission: 'none',
    body: {schema: ref('RefreshRequest'), size: 'json'},
    responses: {'200': {description: 'A new pair', schema: ref('TokenPair')}},
    handle: ({deps, body}) => authOf(deps).refresh(body.refresh_token),
  }),
  defineRoute<Record<string, never>, Record<string, never>, {refresh_token: string}>({
    method: 'post',
    path: '/api/v1/auth/logout',
    operationId: 'logout',
    summary: 'Revoke a login: its refresh token and every one rotated from it',
    tags: [AUTH],
    permission: 'none',
    body: {schema: ref('RefreshRequest'), size: 'json'},
    responses: {'200': {description: 'Whether something was revoked', schema: ref('LogoutResult')}},
    handle: ({deps, body}) => authOf(deps).logout(body.refresh_token),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/auth/me',
    operationId: 'whoami',
    summary: 'Who the daemon takes the caller for: tenant, user, role',
    tags: [AUTH],
    permission: 'none',
    responses: {'200': {description: 'The caller', schema: ref('Caller')}},
    handle: ({req}) => ({
      tenant: req.context.tenant,
      user: req.context.user,
      role: req.context.role,
      anonymous: req.context.anonymous === true,
    }),
  }),
  defineRoute<Record<string, never>, Record<string, never>, {current_password: string; new_password: string}>(
    {
      method: 'put',
      path: '/api/v1/auth/password',
      operationId: 'changePassword',
      summary: 'Change your password; every login of yours ends (sign in again)',
      tags: [AUTH],
      permission: 'user',
      body: {schema: ref('PasswordChange'), size: 'json'},
      responses: {'200': {description: 'Changed', schema: ref('PasswordChanged')}},
      handle: ({req, deps, body}) => authOf(deps).changePassword(req.context, body),
    },
  ),
  defineRoute({
    method: 'get',
    path: '/api/v1/auth/tokens',
    operationId: 'listApiTokens',
    summary: "API tokens of your tenant (an admin sees everyone's), without their secrets",
    tags: [AUTH],
    permission: 'user',
    responses: {'200': {description: 'The tokens', schema: ref('ApiTokenList')}},
    handle: async ({req, deps}) => ({items: await authOf(deps).listApiTokens(req.context)}),
  }),
  defineRoute<
    Record<string, never>,
    Record<string, never>,
    {name: string; role?: Role; expires_in_days?: number}
  >({
    method: 'post',
    path: '/api/v1/auth/tokens',
    operationId: 'createApiToken',
    summary: 'Create an API token for CI, in your tenant, with your role or a lower one',
    description: 'The secret (`mtp_...`) is in this answer only; it is stored as a hash.',
    tags: [AUTH],
    permission: 'user',
    body: {schema: ref('ApiTokenCreate'), size: 'json'},
    responses: {'201': {description: 'Created; keep `token` now', schema: ref('ApiTokenCreated')}},
    handle: async ({req, res, deps, body}) => {
      const created = await authOf(deps).createApiToken(req.context, body)
      res.statusCode = 201
      return created
    },
  }),
  defineRoute<{id: string}>({
    method: 'delete',
    path: '/api/v1/auth/tokens/{id}',
    operationId: 'revokeApiToken',
    summary: 'Revoke an API token of your tenant (your own; any, for an admin)',
    tags: [AUTH],
    permission: 'user',
    params: {id: {type: 'string', format: 'uuid'}},
    responses: {'200': {description: 'Revoked', schema: ref('ApiToken')}},
    handle: ({req, deps, params}) => authOf(deps).revokeApiToken(req.context, params.id),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/admin/tenants',
    operationId: 'listTenants',
    summary: 'Tenants: every one for a platform admin, your own otherwise',
    tags: [ACCOUNTS],
    permission: 'admin',
    responses: {'200': {description: 'The tenants', schema: ref('TenantList')}},
    handle: async ({req, deps}) => ({items: await authOf(deps).listTenants(req.context)}),
  }),
  defineRoute<Record<string, never>, Record<string, never>, {name: string; display_name?: string}>({
    method: 'post',
    path: '/api/v1/admin/tenants',
    operationId: 'createTenant',
    summary: 'Create a tenant (platform admins): its templates live in a git repository of their own',
    tags: [ACCOUNTS],
    permission: 'platform',
    body: {schema: ref('TenantCreate'), size: 'json'},
    responses: {'201': {description: 'Created', schema: ref('Tenant')}},
    handle: async ({res, deps, body}) => {
      const tenant = await authOf(deps).createTenant(body)
      res.statusCode = 201
      return tenant
    },
  }),
  defineRoute<Record<string, never>, {tenant?: string}>({
    method: 'get',
    path: '/api/v1/admin/users',
    operationId: 'listUsers',
    summary: 'Users with a role in your tenant (a platform admin: every user, or those of ?tenant=)',
    tags: [ACCOUNTS],
    permission: 'admin',
    query: tenantQuery,
    responses: {'200': {description: 'The users', schema: ref('UserList')}},
    handle: async ({req, deps, query}) => ({items: await authOf(deps).listUsers(req.context, query.tenant)}),
  }),
  defineRoute<Record<string, never>, {tenant?: string}, {username: string; password: string; role?: Role}>({
    method: 'post',
    path: '/api/v1/admin/users',
    operationId: 'createUser',
    summary:
      'Create a user with a role in your tenant (viewer unless `role` says); platform admins: ?tenant=, role optional',
    tags: [ACCOUNTS],
    permission: 'admin',
    query: tenantQuery,
    body: {schema: ref('UserCreate'), size: 'json'},
    responses: {'201': {description: 'Created', schema: ref('User')}},
    handle: async ({req, res, deps, query, body}) => {
      const user = await authOf(deps).createUser(req.context, body, query.tenant)
      res.statusCode = 201
      return user
    },
  }),
  defineRoute<{username: string}, {tenant?: string}, {role: Role}>({
    method: 'put',
    path: '/api/v1/admin/users/{username}/role',
    operationId: 'grantRole',
    summary:
      "Change the role of a user of your tenant; platform admins: any user, and ?tenant= (others' users answer 404)",
    tags: [ACCOUNTS],
    permission: 'admin',
    params: usernameParam,
    query: tenantQuery,
    body: {schema: ref('GrantRequest'), size: 'json'},
    responses: {'200': {description: 'The user with its roles', schema: ref('User')}},
    handle: ({req, deps, params, query, body}) =>
      authOf(deps).grant(req.context, params.username, body.role, query.tenant),
  }),
  defineRoute<{username: string}, Record<string, never>, {password: string}>({
    method: 'put',
    path: '/api/v1/admin/users/{username}/password',
    operationId: 'resetPassword',
    summary: "Set a user's password (platform admins); every login of theirs ends",
    tags: [ACCOUNTS],
    permission: 'platform',
    params: usernameParam,
    body: {schema: ref('PasswordReset'), size: 'json'},
    responses: {'200': {description: 'The user', schema: ref('User')}},
    handle: ({req, deps, params, body}) =>
      authOf(deps).resetPassword(req.context, params.username, body.password),
  }),
  defineRoute<{username: string}, {tenant?: string}>({
    method: 'delete',
    path: '/api/v1/admin/users/{username}/role',
    operationId: 'revokeRole',
    summary: "Take a user's role in your tenant away (or in ?tenant=, platform admins)",
    tags: [ACCOUNTS],
    permission: 'admin',
    params: usernameParam,
    query: tenantQuery,
    responses: {'200': {description: 'The user with its remaining roles', schema: ref('User')}},
    handle: ({req, deps, params, query}) => authOf(deps).revoke(req.context, params.username, query.tenant),
  }),
]

/**
 * Authentication and account administration.
 *
 * @example
 * ```ts
 * app.use(authRouter(deps))
 * ```
 */
export function authRouter(deps: RouterDeps): Router {
  return mountRoutes(express.Router(), AUTH_ROUTES(), deps, deps.validators)
}
