import {generateKeyPairSync, hkdfSync} from 'node:crypto'
import type {KeyObject} from 'node:crypto'

import {SignJWT, base64url} from 'jose'
import {describe, expect, it, vi} from 'vitest'

import {InsecureConfigError} from '../../../src/auth/errors.js'
import {JWT_AUDIENCE, JWT_ISSUER} from '../../../src/auth/jwt.js'
import {startServer} from '../../../src/server/server.js'
import {testConfig} from '../../helpers/temp.js'
import {
  ADMIN_PASSWORD,
  FAST_SCRYPT,
  PASSWORD,
  SECRET,
  SHARED,
  bearer,
  buildWorld,
  call,
  login,
  startAuthServer,
} from './auth-support.js'
import {encodeFiles} from '../../../src/domain/wire.js'
import {expectProblem, expectSchema, silent, templateFiles, templateUpload} from './support.js'

/** The daemon's signing key, as an attacker who learnt SECRET_KEY... or a test, derives it. */
const KEY = new Uint8Array(hkdfSync('sha256', SECRET, 'maestro-tpl', 'access-token-hs256', 32))

function forge(opts: {
  alg?: string
  typ?: string
  iss?: string
  aud?: string
  exp?: number
  key?: Uint8Array | KeyObject
}) {
  return new SignJWT({username: 'admin', tenant: 'public', role: 'admin'})
    .setProtectedHeader({alg: opts.alg ?? 'HS256', typ: opts.typ ?? 'at+jwt'})
    .setIssuer(opts.iss ?? JWT_ISSUER)
    .setAudience(opts.aud ?? JWT_AUDIENCE)
    .setSubject('someone')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(opts.key ?? KEY)
}

describe('daemon: start-up with RBAC', () => {
  it('refuses a missing, short or example SECRET_KEY with a message saying what to do', async () => {
    for (const secret of [undefined, 'short', 'change-me-to-a-long-random-secret', 'a'.repeat(40)]) {
      const config = testConfig({ENABLE_RBAC: 'true', ...(secret ? {SECRET_KEY: secret} : {})})
      const error = await startServer({config, port: 0, logger: silent}).catch((e: unknown) => e)
      expect(error, String(secret)).toBeInstanceOf(InsecureConfigError)
      expect((error as Error).message).toMatch(/SECRET_KEY/)
      expect((error as Error).message).toMatch(/openssl rand/)
      expect((error as InsecureConfigError).exitCode).not.toBe(0)
    }
  })

  it('creates the platform admin on first start, shows a generated password once, and never again', async () => {
    const config = testConfig({ENABLE_RBAC: 'true', SECRET_KEY: SECRET})
    const writes: string[] = []
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk))
      return true
    })
    try {
      const first = await startServer({
        config,
        port: 0,
        logger: silent,
        revisionPollMs: 0,
        scrypt: FAST_SCRYPT,
      })
      await first.close()
      const printed = writes.join('')
      const password = /password: (\S+)/.exec(printed)?.[1]
      expect(password).toBeDefined()
      writes.length = 0
      const second = await startServer({
        config,
        port: 0,
        logger: silent,
        revisionPollMs: 0,
        scrypt: FAST_SCRYPT,
      })
      try {
        expect(writes.join('')).not.toContain(password!)
        const res = await fetch(`${second.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: {'content-type': 'application/json'},
          body: JSON.stringify({username: 'admin', password}),
        })
        expect(res.status).toBe(200)
        expect(await res.json()).toMatchObject({tenant: 'public', role: 'admin'})
      } finally {
        await second.close()
      }
    } finally {
      spy.mockRestore()
    }
  })
})

describe('daemon: sign-in and tokens', () => {
  it('signs in, answers who is calling, and refuses a wrong password or unknown user alike', async () => {
    const server = await startAuthServer()
    const res = await server.api('/api/v1/auth/login', {json: {username: 'admin', password: ADMIN_PASSWORD}})
    expect(res.status).toBe(200)
    const pair = await res.json()
    expectSchema(pair, 'TokenPair')
    expect(pair).toMatchObject({token_type: 'Bearer', expires_in: 1800, tenant: 'public', role: 'admin'})
    const me = await call(server, pair.access_token, 'GET', '/api/v1/auth/me')
    expect(me.body).toEqual({tenant: 'public', user: 'admin', role: 'admin', anonymous: false})
    expect((await call(server, undefined, 'GET', '/api/v1/auth/me')).body).toMatchObject({anonymous: true})

    const wrong = await server.api('/api/v1/auth/login', {
      json: {username: 'admin', password: 'not-the-password'},
    })
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer realm="maestro-tpl"/)
    const wrongBody = await expectProblem(wrong, 401, 'UNAUTHENTICATED')
    const unknown = await server.api('/api/v1/auth/login', {
      json: {username: 'nobody', password: 'whatever-123'},
    })
    const unknownBody = await expectProblem(unknown, 401, 'UNAUTHENTICATED')
    expect(unknownBody.detail).toBe(wrongBody.detail)
  })

  it('limits sign-in attempts per address and username: 429 with Retry-After', async () => {
    const server = await startAuthServer()
    const attempt = (username: string) =>
      server.api('/api/v1/auth/login', {json: {username, password: 'wrong-password-1'}})
    for (let i = 0; i < 5; i++) expect((await attempt('admin')).status).toBe(401)
    const limited = await attempt('admin')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    await expectProblem(limited, 429, 'RATE_LIMITED')
    // Even the right password waits: the limit is not a hint about the password.
    const right = await server.api('/api/v1/auth/login', {
      json: {username: 'admin', password: ADMIN_PASSWORD},
    })
    expect(right.status).toBe(429)
    // Another username from the same address is counted apart.
    expect((await attempt('someone-else')).status).toBe(401)
  })

  it('rotates refresh tokens; a reused one revokes its whole family; logout revokes', async () => {
    const server = await startAuthServer()
    const first = await login(server, 'admin', ADMIN_PASSWORD)
    const refresh = (token: string) => server.api('/api/v1/auth/refresh', {json: {refresh_token: token}})
    const second = await (await refresh(first.refresh_token)).json()
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(second.refresh_token).toMatch(/^mtr_/)
    // The spent token again: refused, and the token it was exchanged for dies with it.
    const reuse = await refresh(first.refresh_token)
    expect((await expectProblem(reuse, 401, 'UNAUTHENTICATED')).reason).toBe('reused')
    await expectProblem(await refresh(second.refresh_token), 401, 'UNAUTHENTICATED')

    const other = await login(server, 'admin', ADMIN_PASSWORD)
    const out = await server.api('/api/v1/auth/logout', {json: {refresh_token: other.refresh_token}})
    expect(await out.json()).toEqual({revoked: true})
    await expectProblem(await refresh(other.refresh_token), 401, 'UNAUTHENTICATED')
  })

  it('changes a password with the current one, and ends every login of that user', async () => {
    const server = await startAuthServer()
    const pair = await login(server, 'admin', ADMIN_PASSWORD)
    const change = (current: string) =>
      server.api('/api/v1/auth/password', {
        method: 'PUT',
        headers: bearer(pair.access_token),
        json: {current_password: current, new_password: 'a-brand-new-password'},
      })
    await expectProblem(await change('wrong-password-1'), 403, 'FORBIDDEN')
    const res = await change(ADMIN_PASSWORD)
    expect(await res.json()).toEqual({changed: true, sessions_revoked: 1})
    const refresh = await server.api('/api/v1/auth/refresh', {json: {refresh_token: pair.refresh_token}})
    await expectProblem(refresh, 401, 'UNAUTHENTICATED')
    await login(server, 'admin', 'a-brand-new-password')
  })

  it('lets exactly one of two concurrent refreshes of one token win', async () => {
    const server = await startAuthServer()
    const {refresh_token} = await login(server, 'admin', ADMIN_PASSWORD)
    const results = await Promise.all(
      [0, 1].map(() => server.api('/api/v1/auth/refresh', {json: {refresh_token}}).then((r) => r.status)),
    )
    expect(results.sort()).toEqual([200, 401])
  })

  it('refuses forged, expired and misdirected access tokens, and a refresh token used as one', async () => {
    const server = await startAuthServer()
    const pair = await login(server, 'admin', ADMIN_PASSWORD)
    const now = Math.floor(Date.now() / 1000)
    const header = base64url.encode(JSON.stringify({alg: 'none', typ: 'at+jwt'}))
    const payload = base64url.encode(
      JSON.stringify({
        sub: 'x',
        username: 'admin',
        tenant: 'public',
        role: 'admin',
        iss: JWT_ISSUER,
        aud: JWT_AUDIENCE,
        iat: now,
        exp: now + 600,
      }),
    )
    const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
    const attacks: Record<string, string> = {
      'alg none': `${header}.${payload}.`,
      'HS512 with the right key': await forge({
        alg: 'HS512',
        key: new Uint8Array(64).fill(1).map((_, i) => KEY[i % 32]!),
      }),
      'RS256 with its own key': await forge({alg: 'RS256', key: privateKey}),
      'HS256 with another key': await forge({key: new Uint8Array(32).fill(7)}),
      expired: await forge({exp: now - 60}),
      'wrong audience': await forge({aud: 'another-api'}),
      'wrong issuer': await forge({iss: 'https://evil.example'}),
      'not an access token (typ JWT)': await forge({typ: 'JWT'}),
      'a refresh token': pair.refresh_token,
      'a tampered token': pair.access_token.slice(0, -2) + (pair.access_token.endsWith('AA') ? 'BB' : 'AA'),
      garbage: 'not.a.token',
    }
    // The control: the same forge with the real key and claims is accepted.
    expect((await call(server, await forge({}), 'GET', '/api/v1/auth/me')).body).toMatchObject({
      role: 'admin',
    })
    for (const [name, token] of Object.entries(attacks)) {
      const res = await server.api('/api/v1/admin/stats', {headers: bearer(token)})
      expect(res.headers.get('www-authenticate'), name).toMatch(/error="invalid_token"/)
      await expectProblem(res, 401, 'UNAUTHENTICATED')
      // The hot path (template reads) refuses them too.
      expect((await server.api(`/api/v1/templates/${SHARED}`, {headers: bearer(token)})).status, name).toBe(
        401,
      )
    }
  })

  it('issues API tokens shown once, lists them without secrets, caps their role, and revokes them', async () => {
    const server = await startAuthServer()
    const {tokens} = await buildWorld(server)
    const created = await call(server, tokens.editor, 'POST', '/api/v1/auth/tokens', {
      name: 'ci',
      role: 'viewer',
    })
    expect(created.status).toBe(201)
    expectSchema(created.body, 'ApiTokenCreated')
    const secret = created.body.token as string
    expect(secret).toMatch(/^mtp_[A-Za-z0-9_-]{43}$/)
    expect(created.body).toMatchObject({tenant: 'acme', role: 'viewer', username: 'acme-editor'})

    expect((await call(server, secret, 'GET', '/api/v1/auth/me')).body).toMatchObject({
      tenant: 'acme',
      role: 'viewer',
    })
    expect((await call(server, secret, 'GET', `/api/v1/templates/${SHARED}`)).body).toMatchObject({
      version: '1.0.0',
    })
    expect((await call(server, secret, 'DELETE', `/api/v1/templates/${SHARED}`)).status).toBe(403)

    const list = await call(server, tokens.editor, 'GET', '/api/v1/auth/tokens')
    expect(JSON.stringify(list.body)).not.toContain(secret)
    expect(list.body.items).toHaveLength(1)
    // The acme admin sees it, the viewer (not its creator) does not, globex does not.
    expect((await call(server, tokens.admin, 'GET', '/api/v1/auth/tokens')).body.items).toHaveLength(1)
    expect((await call(server, tokens.viewer, 'GET', '/api/v1/auth/tokens')).body.items).toHaveLength(0)
    expect((await call(server, tokens.globexAdmin, 'GET', '/api/v1/auth/tokens')).body.items).toHaveLength(0)

    // An editor cannot mint an admin token.
    await expectProblem(
      await server.api('/api/v1/auth/tokens', {
        headers: bearer(tokens.editor),
        json: {name: 'x', role: 'admin'},
      }),
      403,
      'FORBIDDEN',
    )
    // Another tenant cannot revoke it: as if it did not exist.
    const id = created.body.id as string
    expect((await call(server, tokens.globexAdmin, 'DELETE', `/api/v1/auth/tokens/${id}`)).status).toBe(404)
    expect((await call(server, tokens.viewer, 'DELETE', `/api/v1/auth/tokens/${id}`)).status).toBe(404)
    const revoked = await call(server, tokens.editor, 'DELETE', `/api/v1/auth/tokens/${id}`)
    expect(revoked.body.revoked_at).toEqual(expect.any(String))
    expect((await call(server, secret, 'GET', '/api/v1/auth/me')).status).toBe(401)
  })

  it('stops honouring a token once its user loses the role in its tenant', async () => {
    const server = await startAuthServer()
    const {tokens} = await buildWorld(server)
    const created = await call(server, tokens.editor, 'POST', '/api/v1/auth/tokens', {name: 'ci'})
    const secret = created.body.token as string
    expect((await call(server, tokens.admin, 'DELETE', '/api/v1/admin/users/acme-editor/role')).status).toBe(
      200,
    )
    expect((await call(server, secret, 'GET', '/api/v1/auth/me')).status).toBe(401)
  })
})

describe('daemon: tenant isolation', () => {
  it('serves each tenant its own template of a shared name through get, search, versions, files, instantiate and the cache', async () => {
    const server = await startAuthServer()
    const {tokens} = await buildWorld(server)
    const expectations: [string | undefined, string, string][] = [
      [tokens.viewer, '1.0.0', 'acme'],
      [tokens.globexAdmin, '2.0.0', 'globex'],
      [undefined, '3.0.0', 'public'],
      [tokens.platform, '3.0.0', 'public'],
    ]
    // Twice over: the second round is answered by the response cache (hot path).
    for (let round = 0; round < 2; round++) {
      for (const [token, version, namespace] of expectations) {
        const get = await call(server, token, 'GET', `/api/v1/templates/${SHARED}`)
        expect(get.body, `${namespace} round ${round}`).toMatchObject({version, namespace})
        const atVersion = await call(server, token, 'GET', `/api/v1/templates/${SHARED}/versions/${version}`)
        expect(atVersion.body).toMatchObject({version, namespace})
      }
    }
    for (const [token, version, namespace] of expectations) {
      const search = await call(server, token, 'POST', '/api/v1/templates/search', {text: 'shared'})
      const seen = (search.body.items as {namespace: string}[]).map((i) => i.namespace).sort()
      expect(seen).toEqual(namespace === 'public' ? ['public'] : [namespace, 'public'].sort())
      const list = await call(server, token, 'GET', '/api/v1/templates?limit=100')
      expect(
        (list.body.items as {namespace: string}[]).every((i) => [namespace, 'public'].includes(i.namespace)),
      ).toBe(true)
      const versions = await call(server, token, 'GET', `/api/v1/templates/${SHARED}/versions`)
      expect((versions.body.items as {version: string}[]).map((v) => v.version)).toEqual([version])
      const files = await call(server, token, 'GET', `/api/v1/templates/${SHARED}/files`)
      expect(files.body.template).toMatchObject({version, namespace})
      if (token) {
        const project = await call(server, token, 'POST', `/api/v1/templates/${SHARED}/instantiate`, {})
        expect(project.body).toMatchObject({version})
      }
    }
    // Asking for the other tenant by namespace or by id: not found, as if it did not exist.
    const globexId = (await call(server, tokens.globexAdmin, 'GET', `/api/v1/templates/${SHARED}`)).body
      .id as string
    for (const path of [
      `/api/v1/templates/${SHARED}?namespace=globex`,
      `/api/v1/templates/globex%2F${SHARED}`,
      `/api/v1/templates/${globexId}`,
      `/api/v1/templates/${globexId}/versions`,
    ]) {
      await expectProblem(await server.api(path, {headers: bearer(tokens.admin)}), 404, 'NOT_FOUND')
    }
    await expectProblem(
      await server.api(`/api/v1/templates/${globexId}`, {method: 'DELETE', headers: bearer(tokens.admin)}),
      404,
      'NOT_FOUND',
    )
    expect((await call(server, tokens.globexAdmin, 'GET', `/api/v1/templates/${globexId}`)).status).toBe(200)
  })

  it('never lets a body or a query move what it writes to another tenant (mass assignment)', async () => {
    const server = await startAuthServer()
    const {tokens} = await buildWorld(server)
    const globexBefore = await call(server, tokens.globexAdmin, 'GET', '/api/v1/templates?namespace=globex')

    // Body fields that would pick an owner are refused outright.
    for (const [path, body] of [
      ['/api/v1/admin/users', {username: 'mallory', password: PASSWORD, role: 'admin', tenant: 'globex'}],
      ['/api/v1/auth/tokens', {name: 'x', tenant: 'globex'}],
      ['/api/v1/auth/tokens', {name: 'x', owner: 'globex-admin'}],
      ['/api/v1/admin/tenants', {name: 'newco', owner: 'acme-admin'}],
      ['/api/v1/templates/search', {text: 'shared', tenant: 'globex'}],
    ] as const) {
      const res = await server.api(path, {headers: bearer(tokens.admin), json: body})
      expect([400, 403], path).toContain(res.status)
    }
    // ?tenant= is for platform admins only.
    await expectProblem(
      await server.api('/api/v1/admin/users?tenant=globex', {
        headers: bearer(tokens.admin),
        json: {username: 'mallory', password: PASSWORD, role: 'admin'},
      }),
      403,
      'FORBIDDEN',
    )
    // ?namespace= cannot publish into another tenant, nor into the public catalog.
    for (const namespace of ['globex', 'public']) {
      const res = await server.api(`/api/v1/templates?namespace=${namespace}`, {
        headers: bearer(tokens.admin),
        json: templateUpload({name: 'intruder'}),
      })
      await expectProblem(res, 403, 'FORBIDDEN')
    }
    // A manifest naming another namespace or owner is refused as invalid; without them it lands in the caller's tenant.
    const files = templateFiles({name: 'sneaky'})
    const manifest = new TextDecoder().decode(files.get('manifest.yaml'))
    files.set(
      'manifest.yaml',
      new TextEncoder().encode(`${manifest}namespace: globex\nowner: globex-admin\n`),
    )
    const sneaky = await server.api('/api/v1/templates', {
      headers: bearer(tokens.editor),
      json: {files: encodeFiles(files)},
    })
    await expectProblem(sneaky, 422, 'INVALID_TEMPLATE')
    const created = await call(
      server,
      tokens.editor,
      'POST',
      '/api/v1/templates',
      templateUpload({name: 'sneaky'}),
    )
    expect(created.body.template).toMatchObject({namespace: 'acme'})

    expect(
      (await call(server, tokens.platform, 'GET', '/api/v1/admin/users?tenant=globex')).body.items,
    ).toHaveLength(1)
    const globexAfter = await call(server, tokens.globexAdmin, 'GET', '/api/v1/templates?namespace=globex')
    expect(globexAfter.body).toEqual(globexBefore.body)
    expect(await server.api('/api/v1/templates/intruder', {headers: bearer(tokens.platform)})).toHaveProperty(
      'status',
      404,
    )
  })

  it('keeps the public catalog writable by platform admins only', async () => {
    const server = await startAuthServer()
    const {tokens} = await buildWorld(server)
    const publicOnly = await call(server, tokens.admin, 'GET', '/api/v1/templates/public-only')
    expect(publicOnly.body).toMatchObject({namespace: 'public'})
    await expectProblem(
      await server.api('/api/v1/templates/public-only', {method: 'DELETE', headers: bearer(tokens.admin)}),
      403,
      'FORBIDDEN',
    )
    expect((await call(server, tokens.platform, 'DELETE', '/api/v1/templates/public-only')).status).toBe(200)
  })
})
