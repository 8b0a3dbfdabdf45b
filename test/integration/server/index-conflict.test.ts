/**
 * One tenant's bad git commit (a published version changed in place, made with the real
 * git CLI) does not take the daemon down: it starts, serves every other namespace, serves
 * the conflicted one as last indexed, refuses writes there with INDEX_CONFLICT, and says
 * so on /health.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {tempDir} from '../../helpers/temp.js'
import {buildWorld, call, SHARED, startAuthServer} from './auth-support.js'
import {expectSchema, templateUpload} from './support.js'
import {git} from '../../helpers/git.js'

describe('daemon: a namespace in index conflict', () => {
  it('starts, serves the other namespaces, keeps the conflicted one read-only at its last index, and reports degraded', async () => {
    const first = await startAuthServer()
    const {tokens} = await buildWorld(first)
    await first.close()

    // acme's repository gets a plain-git commit that changes the published 1.0.0 in place.
    const work = join(tempDir(), 'work')
    git(tmpdir(), 'clone', '-q', join(first.config.home, 'git', 'acme.git'), work)
    const readme = join(work, 'backend_developer', SHARED, 'README.md')
    writeFileSync(readme, `${readFileSync(readme, 'utf8')}\nChanged in place.\n`)
    git(work, 'commit', '-qam', 'edit without a version bump')
    const bad = git(work, 'rev-parse', 'HEAD').trim()
    git(work, 'push', '-q', 'origin', 'main')

    const server = await startAuthServer({env: {MAESTRO_HOME: first.config.home}})

    const health = await server.api('/health')
    const status = await health.json()
    expect(health.status).toBe(200)
    expectSchema(status, 'Health')
    expect(status.status).toBe('degraded')
    expect(Object.keys(status.index_conflicts)).toEqual(['acme'])
    expect(status.index_conflicts.acme).toEqual([
      expect.objectContaining({commit: bad, path: `backend_developer/${SHARED}`}),
    ])
    expect(status.index_conflicts.acme[0].reason).toContain('keeps version 1.0.0')

    // Another tenant reads and writes as usual.
    const globexRead = await call(server, tokens.globexAdmin, 'GET', `/api/v1/templates/${SHARED}`)
    expect(globexRead.status).toBe(200)
    expect(globexRead.body.namespace).toBe('globex')
    const globexWrite = await call(
      server,
      tokens.globexAdmin,
      'POST',
      '/api/v1/templates',
      templateUpload({name: 'globex-new'}),
    )
    expect(globexWrite.status, JSON.stringify(globexWrite.body)).toBe(201)

    // acme: reads serve the last indexed state; writes are refused, saying what to do.
    const acmeRead = await call(server, tokens.viewer, 'GET', `/api/v1/templates/${SHARED}`)
    expect(acmeRead.status).toBe(200)
    expect(acmeRead.body.namespace).toBe('acme')
    expect(acmeRead.body.readme).toEqual(expect.stringContaining('#'))
    expect(acmeRead.body.readme).not.toContain('Changed in place.')
    const acmeWrite = await call(
      server,
      tokens.editor,
      'POST',
      '/api/v1/templates',
      templateUpload({name: 'acme-new'}),
    )
    expect(acmeWrite.status).toBe(409)
    expect(acmeWrite.body.code).toBe('INDEX_CONFLICT')
    expect(String(acmeWrite.body.detail)).toContain(bad.slice(0, 12))
    expect(String(acmeWrite.body.detail)).toContain('git revert')

    // Fixed in git: the next write takes the fix, and /health is healthy again.
    git(work, 'revert', '--no-edit', 'HEAD')
    git(work, 'push', '-q', 'origin', 'main')
    const retried = await call(
      server,
      tokens.editor,
      'POST',
      '/api/v1/templates',
      templateUpload({name: 'acme-new'}),
    )
    expect(retried.status, JSON.stringify(retried.body)).toBe(201)
    const healed = await (await server.api('/health')).json()
    expect(healed.status).toBe('healthy')
    expect(healed.index_conflicts).toBeUndefined()
  })
})
