/**
 * Who may do what: roles, the permissions routes declare, and the two tenants with a
 * special meaning.
 *
 * | permission      | anonymous | viewer | editor | admin | platform admin |
 * |-----------------|-----------|--------|--------|-------|----------------|
 * | none            | yes       | yes    | yes    | yes   | yes            |
 * | template:read   | public    | yes    | yes    | yes   | yes            |
 * | template:use    | no        | yes    | yes    | yes   | yes            |
 * | user            | no        | yes    | yes    | yes   | yes            |
 * | template:write  | no        | no     | yes    | yes   | yes            |
 * | admin           | no        | no     | no     | yes   | yes            |
 * | platform        | no        | no     | no     | no    | yes            |
 *
 * A platform admin is an admin of the `public` tenant (the tenant of the public catalog):
 * it creates tenants, manages any tenant's users and is the only one who writes the
 * public catalog. The `local` tenant is the store owner (the local CLI, and the daemon
 * with ENABLE_RBAC=false): it has every right and cannot be created through the API.
 */
import {PUBLIC_NAMESPACE} from '../domain/types.js'
import type {RequestContext} from '../domain/registry.js'
import {AuthenticationError, ForbiddenError} from './errors.js'

export type Role = RequestContext['role']

export const ROLES: readonly Role[] = Object.freeze(['viewer', 'editor', 'admin'])

/** What a route needs; every route of the table declares one. */
export type Permission =
  'none' | 'template:read' | 'template:use' | 'user' | 'template:write' | 'admin' | 'platform'

export const PERMISSIONS: readonly Permission[] = Object.freeze([
  'none',
  'template:read',
  'template:use',
  'user',
  'template:write',
  'admin',
  'platform',
])

/** The tenant whose admins administer the platform and the public catalog. */
export const PLATFORM_TENANT = PUBLIC_NAMESPACE

/** The store owner's tenant: the local CLI and a daemon without RBAC act as it. */
export const OWNER_TENANT = 'local'

/** Tenant names no one may create (they have a meaning of their own). */
export const RESERVED_TENANTS: readonly string[] = Object.freeze([PLATFORM_TENANT, OWNER_TENANT])

const RANK: Record<Role, number> = {viewer: 1, editor: 2, admin: 3}

/** The caller without a token: reads the public catalog, nothing else. */
export const ANONYMOUS: RequestContext = Object.freeze({
  tenant: PUBLIC_NAMESPACE,
  user: 'anonymous',
  role: 'viewer',
  anonymous: true,
})

/** Whether `role` is at least `minimum`. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum]
}

/** The lower of two roles (an API token never exceeds its creator's current role). */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b
}

export function isRole(value: unknown): value is Role {
  return value === 'viewer' || value === 'editor' || value === 'admin'
}

/** Admin of the public tenant, or the store owner. */
export function isPlatformAdmin(context: RequestContext): boolean {
  return (
    context.anonymous !== true &&
    context.role === 'admin' &&
    (context.tenant === PLATFORM_TENANT || context.tenant === OWNER_TENANT)
  )
}

/**
 * Throws unless `context` holds `permission`: 401 for an anonymous caller who needs to
 * sign in, 403 for a signed-in caller whose role is not enough.
 *
 * @example
 * ```ts
 * authorize({tenant: 'acme', user: 'ana', role: 'viewer'}, 'template:write') // throws ForbiddenError
 * ```
 */
export function authorize(context: RequestContext, permission: Permission): void {
  if (permission === 'none' || permission === 'template:read') return
  if (context.anonymous) {
    throw new AuthenticationError('sign in first: this needs a bearer token (`maestro-tpl login`)', {
      data: {permission},
    })
  }
  const ok =
    permission === 'template:use' || permission === 'user'
      ? true
      : permission === 'template:write'
        ? roleAtLeast(context.role, 'editor')
        : permission === 'admin'
          ? context.role === 'admin'
          : isPlatformAdmin(context)
  if (!ok) {
    const needs =
      permission === 'template:write'
        ? 'the editor or admin role'
        : permission === 'admin'
          ? 'the admin role'
          : 'a platform admin (admin of the public tenant)'
    throw new ForbiddenError(`this needs ${needs}; you are ${context.role} of tenant ${context.tenant}`, {
      permission,
      role: context.role,
    })
  }
}
