/**
 * Daemons with RBAC on, and the tenants, users and templates the authorization tests
 * share: tenants `acme` and `globex`, a user per role in acme, an admin of globex, the
 * platform admin, and a template of the same name in acme, globex and public.
 */
import {expect} from 'vitest'

import type {ScryptParams} from '../../../src/auth/passwords.js'
import {startTestServer, templateUpload} from './support.js'
import type {TestServer} from './support.js'

/** A strong test secret (not an example value). */
export const SECRET = 'Vq7#pL2!xR9@mK4$wT6^zN8&bH3*cJ5(dF1)gS0-'
export const ADMIN_PASSWORD = 'platform-admin-password-1'
export const PASSWORD = 'a-user-password-123'
/** Hashing at full cost for every user of every scenario would take most of the run; the parameters are stored per hash anyway. */
export const FAST_SCRYPT: ScryptParams = {N: 1024, r: 8, p: 1}

export async function startAuthServer(
  opts: {env?: Record<string, string>} & Omit<Parameters<typeof startTestServer>[0] & object, 'env'> = {},
): Promise<TestServer> {
  const {env, ...rest} = opts
  return startTestServer({
    env: {ENABLE_RBAC: 'true', SECRET_KEY: SECRET, MAESTRO_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env},
    scrypt: FAST_SCRYPT,
    ...rest,
  })
}

export const bearer = (token: string | undefined): Record<string, string> =>
  token ? {authorization: `Bearer ${token}`} : {}

export async function login(
  server: TestServer,
  username: string,
  password = PASSWORD,
  tenant?: string,
): Promise<{access_token: string; refresh_token: string}> {
  const res = await server.api('/api/v1/auth/login', {
    json: {username, password, ...(tenant ? {tenant} : {})},
  })
  const body = await res.json()
  expect(res.status, JSON.stringify(body)).toBe(200)
  return body
}

export async function call(
  server: TestServer,
  token: string | undefined,
  method: string,
  path: string,
  json?: unknown,
): Promise<{status: number; body: Record<string, unknown> & {items?: unknown[]}}> {
  const res = await server.api(path, {
    method,
    headers: bearer(token),
    ...(json === undefined ? {} : {json}),
  })
  const text = await res.text()
  return {
    status: res.status,
    body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {},
  }
}

async function ok(server: TestServer, token: string, method: string, path: string, json?: unknown) {
  const res = await call(server, token, method, path, json)
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300)
  return res.body
}

export interface World {
  server: TestServer
  /** Access tokens by caller; `anonymous` is undefined. */
  tokens: {
    platform: string
    viewer: string
    editor: string
    admin: string
    globexAdmin: string
    anonymous: undefined
  }
}

/** Name of the template published in acme, globex and public alike. */
export const SHARED = 'shared-service'

/**
 * Two tenants with their users, and {@link SHARED} in acme (v1.0.0), globex (v2.0.0,
 * description "globex secret") and public (v3.0.0).
 */
export async function buildWorld(server: TestServer): Promise<World> {
  const platform = (await login(server, 'admin', ADMIN_PASSWORD)).access_token
  for (const name of ['acme', 'globex']) await ok(server, platform, 'POST', '/api/v1/admin/tenants', {name})
  for (const role of ['viewer', 'editor', 'admin'])
    await ok(server, platform, 'POST', '/api/v1/admin/users?tenant=acme', {
      username: `acme-${role}`,
      password: PASSWORD,
      role,
    })
  await ok(server, platform, 'POST', '/api/v1/admin/users?tenant=globex', {
    username: 'globex-admin',
    password: PASSWORD,
    role: 'admin',
  })
  const tokens = {
    platform,
    viewer: (await login(server, 'acme-viewer')).access_token,
    editor: (await login(server, 'acme-editor')).access_token,
    admin: (await login(server, 'acme-admin')).access_token,
    globexAdmin: (await login(server, 'globex-admin')).access_token,
    anonymous: undefined,
  }
  await ok(
    server,
    tokens.editor,
    'POST',
    '/api/v1/templates',
    templateUpload({name: SHARED, version: '1.0.0'}),
  )
  const globex = templateUpload({name: SHARED, version: '2.0.0'})
  await ok(server, tokens.globexAdmin, 'POST', '/api/v1/templates', globex)
  await ok(server, platform, 'POST', '/api/v1/templates', templateUpload({name: SHARED, version: '3.0.0'}))
  await ok(
    server,
    platform,
    'POST',
    '/api/v1/templates',
    templateUpload({name: 'public-only', version: '1.0.0'}),
  )
  return {server, tokens}
}
