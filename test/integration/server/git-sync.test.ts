import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {GitStore} from '../../../src/store/index.js'
import {syncNamespace} from '../../../src/sync/git-sync.js'
import {LOCAL, git, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {startGitHttpServer, type GitHttpServer} from '../sync/git-http-server.js'
import {expectProblem, expectSchema, startTestServer, templateUpload} from './support.js'

const LOOPBACK = {allowPrivate: false, allowedHosts: ['127.0.0.1']}

/** Another store (a developer's) that publishes templates and pushes them to `url`. */
async function pushFromAnotherStore(url: string, names: string[], version = '0.1.0') {
  const config = testConfig()
  const registry = await openLocalRegistry({config, context: LOCAL})
  for (const name of names) {
    const dir = await writeTemplate(tempDir(), {name, version})
    await registry.publish({template: await loadTemplateDir(dir)})
  }
  const repo = new GitStore(join(config.home, 'git')).repo('local')
  await syncNamespace(repo, {url, policy: LOOPBACK, auth: {token: 'daemon-git-token'}})
  return {registry, repo}
}

describe('daemon: POST /api/v1/admin/git/sync', () => {
  let gitServer: GitHttpServer
  const savedEnv = {...process.env}
  beforeEach(async () => {
    gitServer = await startGitHttpServer({token: 'daemon-git-token'})
    process.env.MAESTRO_GIT_TOKEN = 'daemon-git-token'
  })
  afterEach(async () => {
    await gitServer.close()
    process.env = {...savedEnv}
  })

  it('pulls the tenant repository, indexes what came, pushes what is new, and records the status', async () => {
    const url = gitServer.createRepo('team')
    const dev = await pushFromAnotherStore(url, ['orders-api', 'billing-api'])
    const server = await startTestServer({env: {MAESTRO_SYNC_ALLOWED_HOSTS: '127.0.0.1'}})

    const res = await server.api('/api/v1/admin/git/sync', {json: {remote_url: url}})
    expect(res.status).toBe(200)
    const body = await res.json()
    expectSchema(body, 'GitSyncResult')
    expect(body).toMatchObject({
      namespace: 'local',
      remote: url,
      fetched: 2,
      pushed: 0,
      templates: {added: ['billing-api', 'orders-api'], changed: [], removed: []},
      status: {state: 'ok', error: null, fetched: 2, successes: 1, failures: 0},
    })
    expect(JSON.stringify(body)).not.toContain('daemon-git-token')
    // Indexed: the API serves what was pulled.
    const got = await (await server.api('/api/v1/templates/orders-api')).json()
    expect(got).toMatchObject({name: 'orders-api', version: '0.1.0', namespace: 'local'})

    // A template published on the daemon goes out with the next sync (to the remembered origin).
    expect(
      (await server.api('/api/v1/templates', {json: templateUpload({name: 'shipping-api'})})).status,
    ).toBe(201)
    const second = await (await server.api('/api/v1/admin/git/sync', {method: 'POST'})).json()
    expect(second).toMatchObject({fetched: 0, pushed: 1, status: {successes: 2}})
    git(join(gitServer.root, 'team.git'), 'fsck', '--strict')
    git(join(server.config.home, 'git', 'local.git'), 'fsck', '--strict')

    // And the developer's store pulls it.
    const pulled = await syncNamespace(dev.repo, {
      url,
      policy: LOOPBACK,
      auth: {token: 'daemon-git-token'},
      afterPull: () => dev.registry.reconcile(),
    })
    expect(pulled.templates.added).toEqual(['shipping-api'])
    await dev.registry.close()

    const status = await (await server.api('/api/v1/admin/git/sync')).json()
    expectSchema(status, 'GitSyncStatusResponse')
    expect(status).toMatchObject({namespace: 'local', status: {state: 'ok', pushed: 1, remote: url}})

    const health = await (await server.api('/health')).json()
    expectSchema(health, 'Health')
    expect(health.git_sync.local).toMatchObject({state: 'ok'})
    expect(Date.parse(health.git_sync.local.last_success)).toBeGreaterThan(Date.now() - 60_000)

    const metrics = await (await server.api('/metrics')).text()
    expect(metrics).toMatch(/maestro_git_sync_total\{result="ok"\} 2/)
    expect(metrics).toMatch(/maestro_git_sync_last_success_timestamp_seconds\{namespace="local"\} \d{10}/)
    expect(metrics).toMatch(/maestro_git_sync_last_attempt_timestamp_seconds\{namespace="local"\} \d{10}/)
    expect(metrics).toMatch(/maestro_git_sync_status\{state="ok"\} 1/)
  })

  it('refuses a loopback remote by default (422), records the failure, and stays healthy', async () => {
    const url = gitServer.createRepo('team')
    const server = await startTestServer()
    const problem = await expectProblem(
      await server.api('/api/v1/admin/git/sync', {json: {remote_url: url}}),
      422,
      'SYNC_REMOTE_NOT_ALLOWED',
    )
    expect(problem.detail).toMatch(
      /127\.0\.0\.1: it is a loopback address.*MAESTRO_SYNC_ALLOWED_HOSTS=127\.0\.0\.1/,
    )
    expect(gitServer.requests).toEqual([])

    const localhost = url.replace('127.0.0.1', 'localhost')
    await expectProblem(
      await server.api('/api/v1/admin/git/sync', {json: {remote_url: localhost}}),
      422,
      'SYNC_REMOTE_NOT_ALLOWED',
    )
    const metadata = await expectProblem(
      await server.api('/api/v1/admin/git/sync', {
        json: {remote_url: 'http://169.254.169.254/latest/meta-data'},
      }),
      422,
      'SYNC_REMOTE_NOT_ALLOWED',
    )
    expect(metadata.kind).toBe('metadata')

    const health = await server.api('/health')
    expect(health.status).toBe(200)
    const body = await health.json()
    expect(body).toMatchObject({status: 'healthy', git_sync: {local: {state: 'failed', last_success: null}}})
    const status = await (await server.api('/api/v1/admin/git/sync')).json()
    expect(status.status).toMatchObject({
      state: 'failed',
      failures: 3,
      error: {code: 'SYNC_REMOTE_NOT_ALLOWED'},
    })
    const metrics = await (await server.api('/metrics')).text()
    expect(metrics).toMatch(/maestro_git_sync_total\{result="failed"\} 3/)
    expect(metrics).toMatch(/maestro_git_sync_status\{state="failed"\} 1/)
    expect(metrics).not.toMatch(/maestro_git_sync_last_success_timestamp_seconds\{/)
  })

  it('answers 409 SYNC_DIVERGED and changes nothing, 502 for an unreachable remote, 400 for bad bodies', async () => {
    const url = gitServer.createRepo('team')
    const dev = await pushFromAnotherStore(url, ['orders-api'])
    await dev.registry.close()
    const server = await startTestServer({env: {MAESTRO_SYNC_ALLOWED_HOSTS: '127.0.0.1'}})
    // The daemon's tenant has its own history.
    expect((await server.api('/api/v1/templates', {json: templateUpload({name: 'local-only'})})).status).toBe(
      201,
    )
    const before = git(join(server.config.home, 'git', 'local.git'), 'rev-parse', 'main').trim()
    const remoteBefore = git(join(gitServer.root, 'team.git'), 'rev-parse', 'main').trim()
    const diverged = await expectProblem(
      await server.api('/api/v1/admin/git/sync', {json: {remote_url: url}}),
      409,
      'SYNC_DIVERGED',
    )
    expect(diverged).toMatchObject({localOnly: 1, remoteOnly: 1, remoteTemplates: ['orders-api']})
    expect(git(join(server.config.home, 'git', 'local.git'), 'rev-parse', 'main').trim()).toBe(before)
    expect(git(join(gitServer.root, 'team.git'), 'rev-parse', 'main').trim()).toBe(remoteBefore)

    await expectProblem(
      await server.api('/api/v1/admin/git/sync', {json: {remote_url: 'http://127.0.0.1:9/none.git'}}),
      502,
      'SYNC_REMOTE_FAILED',
    )
    const withSecret = await expectProblem(
      await server.api('/api/v1/admin/git/sync', {
        json: {remote_url: url.replace('http://', 'http://me:pw@')},
      }),
      400,
      'USAGE_ERROR',
    )
    expect(JSON.stringify(withSecret)).not.toContain('me:pw')
    await expectProblem(
      await server.api('/api/v1/admin/git/sync', {json: {remote_url: 'ssh://git@example.com/x.git'}}),
      400,
      'USAGE_ERROR',
    )
    await expectProblem(
      await server.api('/api/v1/admin/git/sync', {json: {force: true}}),
      400,
      'VALIDATION_ERROR',
    )
  })

  it('says what to do when the namespace has no remote yet', async () => {
    const server = await startTestServer({env: {MAESTRO_SYNC_ALLOWED_HOSTS: '127.0.0.1'}})
    const problem = await expectProblem(
      await server.api('/api/v1/admin/git/sync', {method: 'POST'}),
      400,
      'USAGE_ERROR',
    )
    expect(problem.detail).toMatch(/no remote yet/)
    const status = await (await server.api('/api/v1/admin/git/sync')).json()
    expect(status.status).toMatchObject({state: 'failed'})
  })

  it('runs concurrent syncs of one namespace one at a time', async () => {
    const url = gitServer.createRepo('team')
    const dev = await pushFromAnotherStore(url, ['orders-api', 'billing-api', 'shipping-api'])
    await dev.registry.close()
    const server = await startTestServer({env: {MAESTRO_SYNC_ALLOWED_HOSTS: '127.0.0.1'}})
    const answers = await Promise.all(
      [1, 2, 3].map(async () => {
        const res = await server.api('/api/v1/admin/git/sync', {json: {remote_url: url, pull: true}})
        return {status: res.status, body: await res.json()}
      }),
    )
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
    // Exactly one of them moved the commits; the others found nothing left to do.
    expect(answers.map((a) => a.body.fetched).sort()).toEqual([0, 0, 3])
    const list = await (await server.api('/api/v1/templates')).json()
    expect(list.total).toBe(3)
    git(join(server.config.home, 'git', 'local.git'), 'fsck', '--strict')
  })
})
