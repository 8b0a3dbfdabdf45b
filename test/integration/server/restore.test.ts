/**
 * POST /api/v1/templates/{name}/restore: a deleted template back from its git history,
 * within the caller's tenant, as one new commit, indexed and announced on the changes
 * stream. (Who may call it is in auth-matrix.test.ts.)
 */
import {describe, expect, it} from 'vitest'

import type {EventBus} from '../../../src/events/bus.js'
import {GitStore} from '../../../src/store/index.js'
import {SHARED, buildWorld, call, startAuthServer, type World} from './auth-support.js'
import {expectSchema, templateUpload} from './support.js'

const commits = async (world: World, namespace: string) =>
  (await new GitStore(`${world.server.config.home}/git`).repo(namespace).log()).map((c) => c.message)

describe('restoring a deleted template through the API', () => {
  it('brings back the version it had, or the one asked for, as one new commit, indexed and announced', async () => {
    const world = await buildWorld(await startAuthServer())
    const {server, tokens} = world
    expect(
      (
        await call(
          server,
          tokens.editor,
          'PUT',
          `/api/v1/templates/${SHARED}`,
          templateUpload({name: SHARED, version: '1.1.0'}),
        )
      ).status,
    ).toBe(200)
    expect((await call(server, tokens.editor, 'DELETE', `/api/v1/templates/${SHARED}`)).status).toBe(200)
    const acmeRef = encodeURIComponent(`acme/${SHARED}`)
    expect((await call(server, tokens.editor, 'GET', `/api/v1/templates/${acmeRef}`)).status).toBe(404)
    const before = await commits(world, 'acme')

    const restored = await call(server, tokens.editor, 'POST', `/api/v1/templates/${SHARED}/restore`)
    expect(restored.status, JSON.stringify(restored.body)).toBe(200)
    expectSchema(restored.body, 'RestoreResult')
    expect(restored.body).toMatchObject({
      status: 'created',
      template: {namespace: 'acme', name: SHARED, version: '1.1.0'},
      restored_from: {version: '1.1.0'},
    })
    const after = await commits(world, 'acme')
    expect(after.length).toBe(before.length + 1)
    expect(after.at(-1)).toMatch(/^restore shared-service@1\.1\.0/)
    // Indexed: found by get and search at once.
    const got = await call(server, tokens.editor, 'GET', `/api/v1/templates/${acmeRef}`)
    expect(got.body).toMatchObject({namespace: 'acme', version: '1.1.0'})
    const found = await call(server, tokens.editor, 'POST', '/api/v1/templates/search', {
      text: 'shared',
      namespace: 'acme',
    })
    expect((found.body.items as {name: string}[]).map((i) => i.name)).toContain(SHARED)

    // Announced on the changes stream, like a publish.
    const {bus, publisher} = (
      server.registry as unknown as {shared: {bus: EventBus; publisher: {flush(): Promise<void>}}}
    ).shared
    await publisher.flush()
    const changes = await bus.range(bus.streams.changes, '-', '+')
    expect(changes.at(-1)?.fields).toMatchObject({
      name: SHARED,
      namespace: 'acme',
      operation: 'create',
      version: '1.1.0',
      commit: restored.body.commit,
    })

    // Only a deleted template can be restored; then an older version on request.
    const again = await call(server, tokens.editor, 'POST', `/api/v1/templates/${SHARED}/restore`)
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('ALREADY_EXISTS')
    await call(server, tokens.editor, 'DELETE', `/api/v1/templates/${SHARED}`)
    const older = await call(
      server,
      tokens.editor,
      'POST',
      `/api/v1/templates/${encodeURIComponent(`${SHARED}@1.0.0`)}/restore`,
    )
    expect(older.status, JSON.stringify(older.body)).toBe(200)
    expect(older.body).toMatchObject({template: {version: '1.0.0'}, restored_from: {version: '1.0.0'}})
  })

  it('stays within the tenant: another tenant’s deleted template is not found, and nothing is written', async () => {
    const world = await buildWorld(await startAuthServer())
    const {server, tokens} = world
    expect((await call(server, tokens.globexAdmin, 'DELETE', `/api/v1/templates/${SHARED}`)).status).toBe(200)
    const globexBefore = await commits(world, 'globex')
    const acmeBefore = await commits(world, 'acme')
    // acme's editor: globex's history is not theirs, and acme's own template is not deleted.
    const named = await call(
      server,
      tokens.editor,
      'POST',
      `/api/v1/templates/${encodeURIComponent(`globex/${SHARED}`)}/restore`,
    )
    expect(named.status).toBe(404)
    expect(JSON.stringify(named.body)).not.toContain('2.0.0')
    const own = await call(server, tokens.editor, 'POST', `/api/v1/templates/${SHARED}/restore`)
    expect(own.status).toBe(409)
    const never = await call(server, tokens.editor, 'POST', '/api/v1/templates/never-existed/restore')
    expect(never.status).toBe(404)
    expect(never.body.code).toBe('NOT_FOUND')
    const noSuchVersion = await call(
      server,
      tokens.globexAdmin,
      'POST',
      `/api/v1/templates/${encodeURIComponent(`${SHARED}@9.9.9`)}/restore`,
    )
    expect(noSuchVersion.status).toBe(404)
    expect(noSuchVersion.body.detail ?? noSuchVersion.body.title).toMatch(/2\.0\.0/)
    expect(await commits(world, 'globex')).toEqual(globexBefore)
    expect(await commits(world, 'acme')).toEqual(acmeBefore)
    // globex's admin restores it.
    const back = await call(server, tokens.globexAdmin, 'POST', `/api/v1/templates/${SHARED}/restore`)
    expect(back.status).toBe(200)
    expect(back.body).toMatchObject({template: {namespace: 'globex', version: '2.0.0'}})
  })
})
