/**
 * The tenant matrix over the workflow routes (RBAC on): a viewer runs, an editor
 * publishes; another tenant's workflow and execution answer 404 on every route; the
 * public catalog's workflows are runnable by every tenant, their executions their own;
 * deleting a workflow follows template deletion (an editor in its own namespace).
 */
import {describe, expect, it} from 'vitest'

import {bearer, buildWorld, startAuthServer} from '../server/auth-support.js'
import type {TestServer} from '../server/support.js'
import {DEMO, workflowUpload} from './fixtures.js'
import {catalogOf} from './support.js'

const demo = (name: string) => DEMO.replace('name: demo', `name: ${name}`)

async function settle(server: TestServer, token: string, id: string) {
  for (let i = 0; i < 300; i++) {
    const body = await (await server.api(`/api/v1/executions/${id}`, {headers: bearer(token)})).json()
    if (body.state !== 'queued' && body.state !== 'running') return body
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('did not finish')
}

describe('workflow routes across tenants', () => {
  it('lets viewers run and editors publish, and hides each tenant from the others', async () => {
    const server = await startAuthServer({env: {TEMPLATES_STORAGE_PATH: catalogOf(['adr-repository'])}})
    const {tokens} = await buildWorld(server)
    const call = (token: string | undefined, path: string, json?: unknown, method?: string) =>
      server.api(path, {
        headers: bearer(token),
        ...(json === undefined ? {} : {json}),
        ...(method ? {method} : {}),
      })

    // Publishing: an editor of acme yes, a viewer no, anonymous must sign in.
    expect((await call(tokens.viewer, '/api/v1/workflows', workflowUpload(demo('acme-flow')))).status).toBe(
      403,
    )
    expect((await call(undefined, '/api/v1/workflows', workflowUpload(demo('acme-flow')))).status).toBe(401)
    expect((await call(tokens.editor, '/api/v1/workflows', workflowUpload(demo('acme-flow')))).status).toBe(
      201,
    )
    expect(
      (await call(tokens.globexAdmin, '/api/v1/workflows', workflowUpload(demo('globex-flow')))).status,
    ).toBe(201)
    expect(
      (await call(tokens.platform, '/api/v1/workflows?namespace=public', workflowUpload(demo('public-flow'))))
        .status,
    ).toBe(201)
    // Only a platform admin writes the public catalog.
    expect(
      (await call(tokens.admin, '/api/v1/workflows?namespace=public', workflowUpload(demo('nope')))).status,
    ).toBe(403)

    // Listing: own and public, never another tenant's.
    const names = async (token: string) =>
      ((await (await call(token, '/api/v1/workflows')).json()).items as {name: string}[])
        .map((w) => w.name)
        .sort()
    expect(await names(tokens.viewer)).toEqual(['acme-flow', 'public-flow'])
    expect(await names(tokens.globexAdmin)).toEqual(['globex-flow', 'public-flow'])

    // Reading, running and dry-running another tenant's workflow: 404, as if it did not exist.
    for (const [path, json] of [
      ['/api/v1/workflows/globex-flow', undefined],
      ['/api/v1/workflows/globex/globex-flow', undefined],
      ['/api/v1/workflows/globex-flow/execute', {}],
      ['/api/v1/workflows/globex-flow/dry-run', {}],
    ] as const) {
      const res = await call(tokens.admin, path, json)
      expect(res.status, path).toBe(404)
    }

    // A viewer runs its tenant's workflow and a public one.
    const mine = await (await call(tokens.viewer, '/api/v1/workflows/acme-flow/execute', {})).json()
    const pub = await (await call(tokens.viewer, '/api/v1/workflows/public-flow/execute', {})).json()
    const theirs = await (await call(tokens.globexAdmin, '/api/v1/workflows/public-flow/execute', {})).json()
    expect((await settle(server, tokens.viewer, mine.id)).state).toBe('succeeded')
    expect((await settle(server, tokens.viewer, pub.id)).state).toBe('succeeded')
    expect((await settle(server, tokens.globexAdmin, theirs.id)).state).toBe('succeeded')

    // Executions are the tenant's own: globex's answers 404 to acme on every route, and the reverse.
    for (const [token, id] of [
      [tokens.admin, theirs.id],
      [tokens.globexAdmin, mine.id],
      [tokens.globexAdmin, pub.id],
    ] as const) {
      for (const [path, method] of [
        [`/api/v1/executions/${id}`, 'GET'],
        [`/api/v1/executions/${id}/events`, 'GET'],
        [`/api/v1/executions/${id}/result`, 'GET'],
        [`/api/v1/executions/${id}/cancel`, 'POST'],
        [`/api/v1/executions/${id}/retry`, 'POST'],
      ] as const) {
        const res = await call(token, path, method === 'POST' ? {} : undefined, method)
        expect(res.status, `${method} ${path}`).toBe(404)
      }
    }
    const listed = async (token: string) =>
      ((await (await call(token, '/api/v1/executions')).json()).items as {id: string}[])
        .map((e) => e.id)
        .sort()
    expect(await listed(tokens.viewer)).toEqual([mine.id, pub.id].sort())
    expect(await listed(tokens.globexAdmin)).toEqual([theirs.id])
    // Anonymous callers run nothing and read no execution.
    expect((await call(undefined, '/api/v1/workflows/public-flow/execute', {})).status).toBe(401)
    expect((await call(undefined, `/api/v1/executions/${pub.id}`)).status).toBe(401)

    // Deleting, as for templates: an editor in its own namespace; another tenant's workflow
    // is 404, the public catalog a platform admin's, a viewer and anonymous callers nothing.
    const del = (token: string | undefined, ref: string) =>
      call(token, `/api/v1/workflows/${ref}`, undefined, 'DELETE')
    expect((await del(tokens.viewer, 'acme-flow')).status).toBe(403)
    expect((await del(undefined, 'acme-flow')).status).toBe(401)
    expect((await del(tokens.admin, 'globex-flow')).status).toBe(404)
    expect((await del(tokens.admin, 'globex%2Fglobex-flow')).status).toBe(404)
    expect((await del(tokens.admin, 'public-flow')).status).toBe(403)
    // A template's name is not a workflow: nothing of the template is touched.
    const template = await del(tokens.platform, 'adr-repository')
    expect(template.status).toBe(404)
    expect((await template.json()).detail).toContain('adr-repository is a template')
    expect((await call(tokens.viewer, '/api/v1/templates/adr-repository')).status).toBe(200)
    expect(await names(tokens.viewer)).toEqual(['acme-flow', 'public-flow'])
    expect(await names(tokens.globexAdmin)).toEqual(['globex-flow', 'public-flow'])

    const deleted = await del(tokens.editor, 'acme-flow')
    const body = await deleted.json()
    expect(deleted.status, JSON.stringify(body)).toBe(200)
    expect(body).toMatchObject({name: 'acme-flow', namespace: 'acme'})
    expect(body.commit).toMatch(/^[0-9a-f]{40}$/)
    expect((await call(tokens.viewer, '/api/v1/workflows/acme-flow')).status).toBe(404)
    expect((await call(tokens.viewer, '/api/v1/workflows/acme-flow/execute', {})).status).toBe(404)
    expect(await names(tokens.viewer)).toEqual(['public-flow'])
    expect((await del(tokens.editor, 'acme-flow')).status).toBe(404)
    // Its executions stay readable until their results expire.
    expect((await settle(server, tokens.viewer, mine.id)).state).toBe('succeeded')
    expect((await call(tokens.viewer, `/api/v1/executions/${mine.id}/result`)).status).toBe(200)

    expect((await del(tokens.platform, 'public-flow')).status).toBe(200)
    expect(await names(tokens.globexAdmin)).toEqual(['globex-flow'])
  })
})
