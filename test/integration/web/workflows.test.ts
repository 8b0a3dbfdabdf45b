/**
 * The web catalog's workflow pages over HTTP, on a daemon with RBAC on: the API's rights
 * (anonymous 401, with a way to sign in), the run form's CSRF and server-side checks, a
 * secret kept out of URLs, the execution page's event stream (the API's, by session
 * cookie) and its result archive.
 */
import {unzipSync} from 'fflate'
import {describe, expect, it} from 'vitest'

import {ADMIN_PASSWORD, login, startAuthServer} from '../server/auth-support.js'
import type {TestServer} from '../server/support.js'
import {DEMO, workflowUpload} from '../workflows/fixtures.js'
import {catalogOf} from '../workflows/support.js'

function cookieValue(res: Response, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = pair!.indexOf('=')
    if (pair!.slice(0, eq) === name) return decodeURIComponent(pair!.slice(eq + 1))
  }
  return undefined
}

/** A daemon with adr-repository and the demo workflow (public), and a signed-in browser's cookies. */
async function workflowServer(): Promise<{server: TestServer; csrf: string; cookie: string}> {
  const server = await startAuthServer({env: {TEMPLATES_STORAGE_PATH: catalogOf(['adr-repository'])}})
  const {access_token} = await login(server, 'admin', ADMIN_PASSWORD)
  const published = await server.api('/api/v1/workflows?namespace=public', {
    json: workflowUpload(DEMO),
    headers: {authorization: `Bearer ${access_token}`},
  })
  expect(published.status, await published.text()).toBe(201)
  const first = await server.api('/signin')
  const csrf = cookieValue(first, 'maestro_csrf')!
  const signedIn = await server.api('/signin', {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded', cookie: `maestro_csrf=${csrf}`},
    body: new URLSearchParams({
      __csrf: csrf,
      username: 'admin',
      password: ADMIN_PASSWORD,
      next: '/',
    }).toString(),
    redirect: 'manual',
  })
  expect(signedIn.status).toBe(303)
  const cookie = `maestro_csrf=${csrf}; maestro_session=${cookieValue(signedIn, 'maestro_session')}; maestro_refresh=${cookieValue(signedIn, 'maestro_refresh')}`
  return {server, csrf, cookie}
}

function runForm(server: TestServer, cookie: string, fields: Record<string, string>) {
  return server.api('/workflows/public/demo/run', {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded', cookie},
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
}

describe('web catalog: workflow pages', () => {
  it('answers anonymous visitors as the API does (401), with a sign-in link that comes back', async () => {
    const {server} = await workflowServer()
    expect((await server.api('/api/v1/workflows')).status).toBe(401)
    for (const path of ['/workflows', '/workflows/public/demo', '/workflows/public/demo/run']) {
      const res = await server.api(path)
      expect(res.status, path).toBe(401)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await res.text()).toContain(`href="/signin?next=${encodeURIComponent(path)}"`)
    }
    const events = await server.api('/executions/00000000-0000-4000-8000-000000000000/events')
    expect(events.status).toBe(401)
  })

  it('lists and shows workflows, checks answers on the server, runs, streams and downloads', async () => {
    const {server, csrf, cookie} = await workflowServer()
    const list = await server.api('/workflows', {headers: {cookie}})
    expect(list.status).toBe(200)
    expect(await list.text()).toContain('href="/workflows/public/demo"')
    const detail = await (await server.api('/workflows/public/demo', {headers: {cookie}})).text()
    expect(detail).toContain('<code>api_token</code> <span class="tag">secret</span>')
    expect(detail).toContain('maestro-tpl workflow run demo@1.0.0')

    // A secret in the form's URL is taken out of the address at once.
    const shared = await server.api('/workflows/public/demo/run?project=atlas&api_token=leak', {
      headers: {cookie},
      redirect: 'manual',
    })
    expect(shared.status).toBe(303)
    expect(shared.headers.get('location')).toBe('/workflows/public/demo/run?project=atlas')

    expect((await runForm(server, cookie, {__action: 'run', project: 'atlas'})).status).toBe(403)
    const wrong = await runForm(server, cookie, {__csrf: csrf, __action: 'run', skip_notes: 'maybe'})
    expect(wrong.status).toBe(422)
    expect(await wrong.text()).toMatch(/class="error" id="p-skip_notes-error"\s*>[^<]*skip_notes/)

    const dry = await runForm(server, cookie, {
      __csrf: csrf,
      __action: 'preview',
      project: 'atlas',
      api_token: 's3cret-token',
    })
    expect(dry.status).toBe(200)
    const dryHtml = await dry.text()
    expect(dryHtml).toMatch(/Dry run: succeeded, \d+ files/)
    expect(dryHtml).not.toContain('s3cret-token')

    const run = await runForm(server, cookie, {
      __csrf: csrf,
      __action: 'run',
      project: 'atlas',
      api_token: 's3cret-token',
    })
    expect(run.status).toBe(303)
    const location = run.headers.get('location')!
    expect(location).toMatch(/^\/executions\/[0-9a-f-]{36}$/)
    const page = await (await server.api(location, {headers: {cookie}})).text()
    expect(page).toMatch(new RegExp(`data-events="${location}/events\\?after=\\d+"`))
    expect(page).not.toContain('s3cret-token')

    // The page's stream is the API's: every event from the first, ending with the finish.
    const stream = await server.api(`${location}/events?after=0`, {headers: {cookie}})
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const text = await stream.text()
    expect(text).toMatch(/^id: 1\nevent: execution\ndata: \{"state":"queued"/)
    expect(text).toMatch(/event: execution\ndata: \{"state":"succeeded"[^\n]*\n\n$/)
    expect(text).toContain('event: step\ndata: {"id":"docs","state":"succeeded"')
    // Resuming where a reconnecting EventSource got to (Last-Event-ID) sends only what came after.
    const resumed = await (
      await server.api(`${location}/events?after=0`, {headers: {cookie, 'last-event-id': '2'}})
    ).text()
    expect(resumed.startsWith('id: 3\n')).toBe(true)

    const tarball = await server.api(`${location}/result?format=tar.gz`, {headers: {cookie}})
    expect(tarball.status).toBe(200)
    expect(tarball.headers.get('content-type')).toBe('application/gzip')
    const zip = await server.api(`${location}/result?format=zip`, {headers: {cookie}})
    expect(zip.headers.get('content-disposition')).toMatch(/^attachment; filename="demo-[0-9a-f]{8}\.zip"$/)
    const files = Object.keys(unzipSync(new Uint8Array(await zip.arrayBuffer())))
    expect(files.some((p) => p.startsWith('demo/docs/adr/'))).toBe(true)
    expect(files).toContain('demo/.git/HEAD')

    // Not an execution id at all, or one that does not exist: 404 pages, not 500s.
    expect((await server.api('/executions/not-an-id', {headers: {cookie}})).status).toBe(404)
    expect(
      (await server.api('/executions/00000000-0000-4000-8000-000000000000', {headers: {cookie}})).status,
    ).toBe(404)
    // Signed out, the execution is not shown.
    expect((await server.api(location)).status).toBe(401)
  })
})
