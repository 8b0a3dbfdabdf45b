/**
 * The web catalog's pages over HTTP, on a daemon with RBAC on: the security headers and
 * cookies, CSRF, sign-in redirects that stay on this site, session renewal, the form's
 * server-side checks and live state, and error pages.
 */
import {describe, expect, it, vi} from 'vitest'

import {unpackTarGz} from '../../../src/archive/archive.js'
import {TemplateIndex} from '../../../src/db/template-index.js'

import {ADMIN_PASSWORD, login, startAuthServer} from '../server/auth-support.js'
import {templateUpload} from '../server/support.js'
import type {TestServer} from '../server/support.js'

/** A daemon with one public template, `demo-service`. */
async function catalogServer(env: Record<string, string> = {}): Promise<TestServer> {
  const server = await startAuthServer({env})
  const {access_token} = await login(server, 'admin', ADMIN_PASSWORD)
  const res = await server.api('/api/v1/templates', {
    json: templateUpload(),
    headers: {authorization: `Bearer ${access_token}`},
  })
  expect(res.status, await res.text()).toBe(201)
  return server
}

/** Cookies set by a response, as a Cookie header, by name. */
function cookiesOf(res: Response): Map<string, {value: string; attributes: string}> {
  const out = new Map<string, {value: string; attributes: string}>()
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...rest] = line.split(';')
    const eq = pair!.indexOf('=')
    out.set(pair!.slice(0, eq), {value: decodeURIComponent(pair!.slice(eq + 1)), attributes: rest.join(';')})
  }
  return out
}

/** A first visit: the CSRF cookie and token a browser would hold. */
async function visit(server: TestServer): Promise<{csrf: string; cookie: string}> {
  const res = await server.api('/')
  const csrf = cookiesOf(res).get('maestro_csrf')!.value
  expect(await res.text()).toMatch(new RegExp(`<meta name="csrf-token" content="${csrf}"`))
  return {csrf, cookie: `maestro_csrf=${csrf}`}
}

function form(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v)
  return params.toString()
}

async function post(
  server: TestServer,
  path: string,
  cookie: string,
  fields: Record<string, string | string[]>,
) {
  return server.api(path, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded', cookie},
    body: form(fields),
    redirect: 'manual',
  })
}

async function signIn(server: TestServer, extra: Record<string, string> = {}) {
  const {csrf, cookie} = await visit(server)
  const res = await post(server, '/signin', cookie, {
    __csrf: csrf,
    username: 'admin',
    password: ADMIN_PASSWORD,
    next: '/templates/public/demo-service',
    ...extra,
  })
  const set = cookiesOf(res)
  return {
    res,
    csrf,
    set,
    cookie: `${cookie}; maestro_session=${set.get('maestro_session')?.value}; maestro_refresh=${set.get('maestro_refresh')?.value}`,
  }
}

describe('web catalog pages', () => {
  it('sends every page with a strict CSP, no inline script, and the catalog of the visitor', async () => {
    const server = await catalogServer()
    const res = await server.api('/?q=demo')
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe')
    const html = await res.text()
    expect(html).toContain('demo-service')
    // Every script has a src: nothing inline for the CSP to have to allow.
    expect(html.match(/<script\b[^>]*>/g)!.every((tag) => / src="\/ui\/assets\//.test(tag))).toBe(true)
    expect(html).not.toMatch(/ on[a-z]+="/)
    const asset = await server.api('/ui/assets/web.js')
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
    expect((await server.api('/ui/assets/nope.js')).status).toBe(404)
  })

  it('answers an unknown template with a 404 page, and the API keeps its problem+json', async () => {
    const server = await catalogServer()
    const page = await server.api('/templates/public/no-such-template')
    expect(page.status).toBe(404)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await page.text()).toContain('no-such-template')
    const api = await server.api('/api/v1/templates/no-such-template')
    expect(api.status).toBe(404)
    expect(api.headers.get('content-type')).toMatch(/problem\+json/)
    expect((await server.api('/api/v1/nothing-here')).headers.get('content-type')).toMatch(/problem\+json/)
  })

  it('refuses a form without its CSRF token, or with another one', async () => {
    const server = await catalogServer()
    const {cookie} = await visit(server)
    const none = await post(server, '/signin', cookie, {username: 'admin', password: ADMIN_PASSWORD})
    expect(none.status).toBe(403)
    expect(await none.text()).toMatch(/did not come from this site/)
    const other = await post(server, '/signin', cookie, {
      __csrf: 'x'.repeat(43),
      username: 'admin',
      password: ADMIN_PASSWORD,
    })
    expect(other.status).toBe(403)
    expect(other.headers.getSetCookie().some((c) => c.startsWith('maestro_session='))).toBe(false)
  })

  it('signs in with HttpOnly SameSite cookies, Secure only over TLS, and never redirects off the site', async () => {
    const server = await catalogServer()
    const {res, set} = await signIn(server)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/templates/public/demo-service')
    const session = set.get('maestro_session')!
    expect(session.attributes).toMatch(/HttpOnly/)
    expect(session.attributes).toMatch(/SameSite=Lax/)
    expect(session.attributes).not.toMatch(/Secure/)

    const {csrf, cookie} = await visit(server)
    const away = await post(server, '/signin', cookie, {
      __csrf: csrf,
      username: 'admin',
      password: ADMIN_PASSWORD,
      next: '//evil.example/',
    })
    expect(away.headers.get('location')).toBe('/')
    // A proxy's word on TLS is not believed unless TRUST_PROXY says so.
    const forged = await server.api('/', {headers: {'x-forwarded-proto': 'https'}})
    expect(cookiesOf(forged).get('maestro_csrf')!.attributes).not.toMatch(/Secure/)
  })

  it('marks the cookies Secure behind a trusted TLS proxy', async () => {
    const server = await catalogServer({TRUST_PROXY: 'true'})
    const res = await server.api('/', {headers: {'x-forwarded-proto': 'https'}})
    expect(cookiesOf(res).get('maestro_csrf')!.attributes).toMatch(/Secure/)
    expect(cookiesOf(res).get('maestro_csrf')!.attributes).toMatch(/SameSite=Strict/)
  })

  it('shows a wrong password on the form, and renews an expired session with its refresh token', async () => {
    const server = await catalogServer()
    const {csrf, cookie} = await visit(server)
    const wrong = await post(server, '/signin', cookie, {
      __csrf: csrf,
      username: 'admin',
      password: 'not-it-at-all',
    })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('wrong username or password')

    const {set} = await signIn(server)
    const refresh = set.get('maestro_refresh')!.value
    const renewed = await server.api('/', {
      headers: {
        cookie: `maestro_csrf=${csrf}; maestro_session=expired.or.forged; maestro_refresh=${refresh}`,
      },
    })
    expect(await renewed.text()).toMatch(/Signed in as <strong>admin<\/strong>/)
    const again = cookiesOf(renewed)
    expect(again.get('maestro_refresh')!.value).not.toBe(refresh)
    // A spent refresh token signs the visitor out instead of failing the page.
    const spent = await server.api('/', {
      headers: {cookie: `maestro_csrf=${csrf}; maestro_session=expired; maestro_refresh=${refresh}`},
    })
    expect(spent.status).toBe(200)
    expect(await spent.text()).toContain('Sign in')
    expect(cookiesOf(spent).get('maestro_session')!.attributes).toMatch(/Max-Age=0/)
  })

  it('sends an anonymous visitor who asks for a preview to sign in, with the answers kept', async () => {
    const server = await catalogServer()
    const {csrf, cookie} = await visit(server)
    const res = await post(server, '/templates/public/demo-service/use', cookie, {
      __csrf: csrf,
      __action: 'preview',
      project_name: 'billing',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(
      `/signin?next=${encodeURIComponent('/templates/public/demo-service/use?project_name=billing')}`,
    )
    // The page holds the API's line, no wider: an anonymous instantiate or download is 401 there too.
    const api = await server.api('/api/v1/templates/demo-service/instantiate', {
      json: {answers: {project_name: 'billing'}, format: 'zip'},
    })
    expect(api.status).toBe(401)
    for (const action of ['zip', 'tar.gz']) {
      const download = await post(server, '/templates/public/demo-service/use', cookie, {
        __csrf: csrf,
        __action: action,
        project_name: 'billing',
      })
      expect(download.status, action).toBe(303)
      expect(download.headers.get('content-type') ?? '').not.toMatch(/zip|gzip/)
    }
    // What the API lets anyone read, the page shows anyone: the template, its files, the form.
    expect((await server.api('/api/v1/templates/demo-service/files')).status).toBe(200)
    const page = await server.api('/templates/public/demo-service/use', {headers: {cookie}})
    expect(page.status).toBe(200)
    expect(await page.text()).toMatch(/previewing and downloading need an account/)
  })

  it('counts templates per category from the one search a catalog page makes', async () => {
    const server = await catalogServer()
    const uploaded = await login(server, 'admin', ADMIN_PASSWORD)
    const more = await server.api('/api/v1/templates', {
      json: templateUpload({name: 'demo-frontend', category: 'frontend_developer'}),
      headers: {authorization: `Bearer ${uploaded.access_token}`},
    })
    expect(more.status).toBe(201)
    const searches = vi.spyOn(TemplateIndex.prototype, 'search')
    const counts = vi.spyOn(TemplateIndex.prototype, 'categoryCounts')
    try {
      // A query no cache has seen, so the page's searches reach the index.
      const res = await server.api('/?q=demo&sort=name&min_score=1')
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(searches).toHaveBeenCalledTimes(1)
      expect(counts).toHaveBeenCalledTimes(1)
      expect(html).toMatch(/All categories \(2\)/)
      expect(html).toMatch(/backend developer <span class="n">1<\/span>/)
      expect(html).toMatch(/frontend developer <span class="n">1<\/span>/)
    } finally {
      searches.mockRestore()
      counts.mockRestore()
    }
  })

  it('checks answers on the server, previews and downloads the same archive as the API', async () => {
    const server = await catalogServer()
    const {cookie, csrf} = await signIn(server)
    const bad = await post(server, '/templates/public/demo-service/use', cookie, {
      __csrf: csrf,
      __action: 'preview',
      project_name: 'Not Valid',
      include_license: ['false', 'true'],
    })
    expect(bad.status).toBe(422)
    const page = await bad.text()
    expect(page).toMatch(/project_name &quot;Not Valid&quot; (does not match|is not valid)/)
    expect(page).toContain('value="Not Valid"')

    const preview = await post(server, '/templates/public/demo-service/use', cookie, {
      __csrf: csrf,
      __action: 'preview',
      project_name: 'billing',
      include_license: ['false'],
    })
    expect(preview.status).toBe(200)
    const shown = await preview.text()
    expect(shown).toMatch(/Preview: \d+ files/)
    expect(shown).toMatch(/<summary[^>]*>\s*README\.md/)
    expect(shown).not.toMatch(/<summary[^>]*>\s*LICENSE/)
    expect(shown).toContain(
      'href="/templates/public/demo-service/use?project_name=billing&amp;include_license=false"',
    )

    const zip = await post(server, '/templates/public/demo-service/use', cookie, {
      __csrf: csrf,
      __action: 'tar.gz',
      project_name: 'billing',
      include_license: ['false', 'true'],
    })
    expect(zip.status).toBe(200)
    expect(zip.headers.get('content-type')).toBe('application/gzip')
    expect(zip.headers.get('content-disposition')).toBe('attachment; filename="demo-service.tar.gz"')
    const {access_token} = await login(server, 'admin', ADMIN_PASSWORD)
    const api = await server.api('/api/v1/templates/demo-service/instantiate', {
      json: {answers: {project_name: 'billing', include_license: true}, format: 'tar.gz'},
      headers: {authorization: `Bearer ${access_token}`},
    })
    // The same files in the same layout; the answers file names its own project (a fresh id per render).
    const limits = {unpackedBytes: 1 << 24, entries: 1000, maxRatio: 1000, ratioFloor: 1 << 20}
    const fromWeb = unpackTarGz(new Uint8Array(await zip.arrayBuffer()), limits)
    const fromApi = unpackTarGz(new Uint8Array(await api.arrayBuffer()), limits)
    expect([...fromWeb.keys()].sort()).toEqual([...fromApi.keys()].sort())
    const text = (bytes: Uint8Array | undefined) =>
      new TextDecoder().decode(bytes).replace(/^(project|.*_at): .*\n/gm, '')
    for (const [path, bytes] of fromApi) expect(text(fromWeb.get(path)), path).toBe(text(bytes))
  })

  it('answers the form state as the user types: shown fields, rendered defaults, problems', async () => {
    const server = await catalogServer()
    const {csrf, cookie} = await visit(server)
    const ask = (headers: Record<string, string>) =>
      server.api('/templates/public/demo-service/use/state', {
        json: {values: {project_name: 'Bad Name', include_license: 'true'}},
        headers: {cookie, ...headers},
      })
    const res = await ask({'x-csrf-token': csrf})
    expect(res.status).toBe(200)
    const state = await res.json()
    expect(state.active).toEqual(['project_name', 'description', 'include_license'])
    expect(state.issues.project_name).toMatch(/^project_name "Bad Name" (does not match|is not valid)/)
    expect(state.suggested.description).toBe('A project generated with maestro-tpl')
    const refused = await ask({})
    expect(refused.status).toBe(403)
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/)
    expect((await refused.json()).code).toBe('CSRF_TOKEN_INVALID')
  })
})

describe('the form of every parameter type', () => {
  const MANIFEST = `name: kinds-service
version: 1.0.0
description: A template with a parameter of every kind, for the web form
category: backend_developer
author: Test
license: MIT
tags: [test]
dependencies: {}
parameters:
  - name: project_name
    type: string
    default: my-project
    pattern: ^[a-z][a-z0-9-]*$
  - name: features
    type: multichoice
    choices: [auth, metrics, tracing]
    default: [auth]
  - name: sample_rate
    type: number
    min: 0
    max: 1
    default: 0.5
    when: "features contains 'tracing'"
  - name: api_key
    type: string
    secret: true
    default: none
files: []
`
  const README = `# {{ project_name }}\n\nfeatures: {{ features | join: ',' }}\n{% if sample_rate %}rate: {{ sample_rate }}{% endif %}\nkey: {{ api_key }}\n`

  async function kindsServer(): Promise<TestServer> {
    const server = await startAuthServer({env: {ENABLE_QUALITY_GATES: 'false'}})
    const {access_token} = await login(server, 'admin', ADMIN_PASSWORD)
    const res = await server.api('/api/v1/templates', {
      json: templateUpload({files: {'manifest.yaml': MANIFEST, 'files/README.md': README}}),
      headers: {authorization: `Bearer ${access_token}`},
    })
    expect(res.status, await res.text()).toBe(201)
    return server
  }

  it('builds checkboxes for a multichoice, a password field for a secret, and hides a field whose condition is false', async () => {
    const server = await kindsServer()
    // A secret in a URL is cleaned out of the address at once, before it is shown or passed on.
    const leaked = await server.api('/templates/public/kinds-service/use?api_key=leak&features=metrics', {
      redirect: 'manual',
    })
    expect(leaked.status).toBe(303)
    expect(leaked.headers.get('location')).toBe('/templates/public/kinds-service/use?features=metrics')
    const html = await (
      await server.api('/templates/public/kinds-service/use?api_key=leak&features=metrics')
    ).text()
    expect(html).toMatch(/<input\s+type="checkbox"\s+name="features"\s+value="metrics"[^>]*checked/)
    expect(html).not.toMatch(/<input\s+type="checkbox"\s+name="features"\s+value="auth"[^>]*checked/)
    expect(html).toMatch(/<input\s+type="password"\s+id="p-api_key"[^>]*value=""/)
    // The secret given in a URL is neither shown nor carried on.
    expect(html).not.toContain('leak')
    expect(html).toMatch(/data-param="sample_rate"[^>]*hidden/)
    const shown = await (await server.api('/templates/public/kinds-service/use?features=tracing')).text()
    expect(shown).not.toMatch(/data-param="sample_rate"[^>]*hidden/)
  })

  it('renders multichoice answers and keeps a secret out of the share link and the answers file', async () => {
    const server = await kindsServer()
    const {cookie, csrf} = await signIn(server)
    const res = await post(server, '/templates/public/kinds-service/use', cookie, {
      __csrf: csrf,
      __action: 'preview',
      project_name: 'demo',
      features: ['', 'auth', 'tracing'],
      sample_rate: '0.25',
      api_key: 's3cret-value',
    })
    const html = await res.text()
    expect(res.status, html).toBe(200)
    expect(html).toContain('features: auth,tracing')
    expect(html).toContain('rate: 0.25')
    // The rendered file may use the secret; the answers file and the link to these answers may not.
    expect(html.split('s3cret-value').length - 1).toBe(1)
    expect(html).toContain('key: s3cret-value')
    expect(html).toContain(
      'href="/templates/public/kinds-service/use?project_name=demo&amp;features=auth&amp;features=tracing&amp;sample_rate=0.25"',
    )
  })
})
