import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import Search from '../../../commands/search.js'
import Sync from '../../../commands/sync.js'
import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry, type LocalRegistry} from '../../../src/registry/local-registry.js'
import {GitStore} from '../../../src/store/git-store.js'
import {
  REMOTE_MAIN_REF,
  SyncDivergedError,
  syncNamespace,
  type SyncSummary,
} from '../../../src/sync/git-sync.js'
import type {RemotePolicy} from '../../../src/sync/remote-policy.js'
import {runCommand} from '../../helpers/command.js'
import {LOCAL, git, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {type GitHttpServer, useGitHttpServer} from './git-http-server.js'

/** The test server listens on loopback: these tests opt in to it, as a deployment would with MAESTRO_SYNC_ALLOWED_HOSTS. */
const LOOPBACK: RemotePolicy = {allowPrivate: false, allowedHosts: ['127.0.0.1']}

/** A local store with no catalog, its registry, and the path of its `local` repository. */
async function openStore() {
  const config = testConfig()
  const registry = await openLocalRegistry({config, context: LOCAL})
  const repo = new GitStore(join(config.home, 'git')).repo('local')
  return {config, registry, repo, repoDir: repo.dir}
}

async function publish(registry: LocalRegistry, name: string, version = '0.1.0', extra = '') {
  const dir = await writeTemplate(tempDir(), {
    name,
    version,
    ...(extra ? {files: {'files/notes.txt': extra}} : {}),
  })
  return registry.publish({template: await loadTemplateDir(dir)})
}

function remoteHead(server: GitHttpServer, name: string): string {
  return git(join(server.root, `${name}.git`), 'rev-parse', 'refs/heads/main').trim()
}

describe('sync (git over HTTP with a real git http-backend)', () => {
  const http = useGitHttpServer()

  it('pushes from one store and pulls into another, where the templates are indexed and searchable', async () => {
    const url = http.server.createRepo('team')
    const a = await openStore()
    await publish(a.registry, 'orders-api')
    await publish(a.registry, 'billing-api')
    await a.registry.close()

    const pushed = await runCommand(Sync, ['--store', a.config.home, '--remote-url', url, '--push', '--json'])
    expect(pushed.exitCode).toBe(0)
    expect(pushed.result).toMatchObject({namespace: 'local', fetched: 0, pushed: 2})
    expect(remoteHead(http.server, 'team')).toBe(git(a.repoDir, 'rev-parse', 'main').trim())
    git(join(http.server.root, 'team.git'), 'fsck', '--strict')

    const bHome = tempDir('maestro-store-')
    const pulled = await runCommand(Sync, ['local', '--store', bHome, '--remote-url', url, '--json'])
    expect(pulled.exitCode).toBe(0)
    const summary = pulled.result as unknown as SyncSummary
    expect(summary).toMatchObject({
      namespace: 'local',
      fetched: 2,
      pushed: 0,
      templates: {added: ['billing-api', 'orders-api'], changed: [], removed: []},
    })
    const bRepo = join(bHome, 'git', 'local.git')
    expect(git(bRepo, 'rev-parse', 'main').trim()).toBe(remoteHead(http.server, 'team'))
    expect(git(bRepo, 'rev-parse', REMOTE_MAIN_REF).trim()).toBe(remoteHead(http.server, 'team'))
    git(bRepo, 'fsck', '--strict')
    expect(git(bRepo, 'log', '--format=%(trailers:key=Maestro-Template,valueonly)', 'main')).toContain(
      'orders-api',
    )

    const search = await runCommand(Search, ['api', '--store', bHome, '--json'])
    const items = (search.result as unknown as {items: {name: string; quality_score: number | null}[]}).items
    expect(items.map((i) => i.name).sort()).toEqual(['billing-api', 'orders-api'])
    // Scored on the way in, not copied from anywhere.
    for (const item of items) expect(item.quality_score).toBeGreaterThanOrEqual(70)

    // Human output: a short table, nothing more to do on a second run.
    const again = await runCommand(Sync, ['--store', bHome, '--remote-url', url])
    expect(again.exitCode).toBe(0)
    expect(again.stdout).toMatch(/NAMESPACE\s+FETCHED\s+PUSHED\s+ADDED\s+CHANGED\s+REMOVED\s+HEAD/)
    expect(again.stdout).toMatch(/local\s+0\s+0\s+0\s+0\s+0/)
  })

  it('pulls only what changed: an update and a delete reindex those templates', async () => {
    const url = http.server.createRepo('team')
    const a = await openStore()
    const b = await openStore()
    await publish(a.registry, 'orders-api')
    await publish(a.registry, 'billing-api')
    await syncNamespace(a.repo, {policy: LOOPBACK, url, push: true})
    await syncNamespace(b.repo, {policy: LOOPBACK, url, pull: true, afterPull: () => b.registry.reconcile()})

    await publish(a.registry, 'orders-api', '0.2.0', 'second version')
    await a.registry.delete('billing-api')
    await publish(a.registry, 'shipping-api')
    const pushed = await syncNamespace(a.repo, {policy: LOOPBACK, url})
    expect(pushed).toMatchObject({fetched: 0, pushed: 3})

    const pulled = await syncNamespace(b.repo, {
      policy: LOOPBACK,
      url,
      afterPull: () => b.registry.reconcile(),
    })
    expect(pulled).toMatchObject({
      fetched: 3,
      pushed: 0,
      templates: {added: ['shipping-api'], changed: ['orders-api'], removed: ['billing-api']},
    })
    const names = (await b.registry.search({})).items.map((i) => `${i.name}@${i.version}`).sort()
    expect(names).toEqual(['orders-api@0.2.0', 'shipping-api@0.1.0'])
    expect((await b.registry.versions('orders-api')).map((v) => v.version).sort()).toEqual(['0.1.0', '0.2.0'])
    git(b.repoDir, 'fsck', '--strict')
    await a.registry.close()
    await b.registry.close()
  })

  it('refuses a diverged history cleanly, leaving both heads as they were', async () => {
    const url = http.server.createRepo('team')
    const a = await openStore()
    const b = await openStore()
    await publish(a.registry, 'orders-api')
    await syncNamespace(a.repo, {policy: LOOPBACK, url})
    await syncNamespace(b.repo, {policy: LOOPBACK, url, afterPull: () => b.registry.reconcile()})

    // Each side commits on its own; A gets to the remote first.
    await publish(a.registry, 'billing-api')
    await syncNamespace(a.repo, {policy: LOOPBACK, url})
    await publish(b.registry, 'shipping-api')
    await publish(b.registry, 'payments-api')

    const remoteBefore = remoteHead(http.server, 'team')
    const localBefore = git(b.repoDir, 'rev-parse', 'main').trim()
    const refused = await runCommand(Sync, ['--store', b.config.home, '--remote-url', url, '--json'])
    expect(refused.exitCode).toBe(1)
    const error = JSON.parse(refused.stdout).error as {
      code: string
      message: string
      data: Record<string, unknown>
    }
    expect(error.code).toBe('SYNC_DIVERGED')
    expect(error.message).toMatch(
      /2 local commit\(s\) \(payments-api, shipping-api\) and 1 remote commit\(s\) \(billing-api\)/,
    )
    expect(error.message).toMatch(/Nothing was changed/)
    expect(error.data).toMatchObject({
      localOnly: 2,
      remoteOnly: 1,
      localTemplates: ['payments-api', 'shipping-api'],
      remoteTemplates: ['billing-api'],
    })

    // Push alone is refused the same way (not a fast-forward of the remote).
    await expect(syncNamespace(b.repo, {policy: LOOPBACK, url, push: true})).rejects.toBeInstanceOf(
      SyncDivergedError,
    )
    // Human output names the problem and exits 1.
    const human = await runCommand(Sync, ['--store', b.config.home, '--remote-url', url, '--pull'])
    expect(human.exitCode).toBe(1)
    expect(human.error?.message).toMatch(/have diverged/)

    expect(remoteHead(http.server, 'team')).toBe(remoteBefore)
    expect(git(b.repoDir, 'rev-parse', 'main').trim()).toBe(localBefore)
    const names = (await b.registry.search({})).items.map((i) => i.name).sort()
    expect(names).toEqual(['orders-api', 'payments-api', 'shipping-api'])
    git(b.repoDir, 'fsck', '--strict')
    git(join(http.server.root, 'team.git'), 'fsck', '--strict')
    await a.registry.close()
    await b.registry.close()
  })

  it('refuses to push over remote commits it has not pulled', async () => {
    const url = http.server.createRepo('team')
    const a = await openStore()
    const b = await openStore()
    await publish(a.registry, 'orders-api')
    await syncNamespace(a.repo, {policy: LOOPBACK, url})
    await syncNamespace(b.repo, {policy: LOOPBACK, url})
    await publish(a.registry, 'billing-api')
    await syncNamespace(a.repo, {policy: LOOPBACK, url})
    const before = remoteHead(http.server, 'team')
    const err = await syncNamespace(b.repo, {policy: LOOPBACK, url, push: true}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SyncDivergedError)
    expect((err as Error).message).toMatch(/1 commit\(s\) that namespace local lacks.*Pull first/)
    expect(remoteHead(http.server, 'team')).toBe(before)
    await a.registry.close()
    await b.registry.close()
  })

  it('sends MAESTRO_GIT_TOKEN through basic auth, never prints it, and explains a refusal', async () => {
    await http.restart({token: 'tok-very-secret'})
    const url = http.server.createRepo('team')
    const a = await openStore()
    await publish(a.registry, 'orders-api')
    await a.registry.close()

    delete process.env.MAESTRO_GIT_TOKEN
    const denied = await runCommand(Sync, ['--store', a.config.home, '--remote-url', url, '--json'])
    expect(denied.exitCode).toBe(1)
    expect(JSON.parse(denied.stdout).error.code).toBe('SYNC_REMOTE_FAILED')
    expect(denied.stdout).toMatch(/MAESTRO_GIT_TOKEN/)

    process.env.MAESTRO_GIT_TOKEN = 'tok-very-secret'
    const ok = await runCommand(Sync, ['--store', a.config.home, '--remote-url', url, '--json'])
    expect(ok.exitCode).toBe(0)
    expect(ok.result).toMatchObject({pushed: 1})
    expect(ok.stdout + ok.stderr).not.toContain('tok-very-secret')
    expect(http.server.authorizations.length).toBeGreaterThan(0)

    process.env.MAESTRO_GIT_TOKEN = 'wrong-token'
    const wrong = await runCommand(Sync, ['--store', a.config.home, '--remote-url', url, '--json'])
    expect(wrong.exitCode).toBe(1)
    expect(wrong.stdout).not.toContain('wrong-token')
  })

  it('remembers the remote as origin without the credentials of its URL, and syncs with it next time', async () => {
    await http.restart({token: 'tok-in-url'})
    const url = http.server.createRepo('team')
    const a = await openStore()
    await publish(a.registry, 'orders-api')
    await a.registry.close()
    const withSecret = url.replace('http://', 'http://me:tok-in-url@')
    delete process.env.MAESTRO_GIT_TOKEN

    const first = await runCommand(Sync, ['--store', a.config.home, '--remote-url', withSecret, '--json'])
    expect(first.exitCode).toBe(0)
    expect(first.result).toMatchObject({pushed: 1})
    expect(first.stdout).not.toContain('tok-in-url')
    const origin = git(a.repoDir, 'config', 'remote.origin.url').trim()
    expect(origin).toBe(url)

    // No --remote-url: the remembered origin, with credentials from the environment.
    process.env.MAESTRO_GIT_TOKEN = 'tok-in-url'
    const second = await runCommand(Sync, ['--store', a.config.home, '--json'])
    expect(second.exitCode).toBe(0)
    expect(second.result).toMatchObject({fetched: 0, pushed: 0})
    git(a.repoDir, 'fsck', '--strict')
  })

  it('answers usage errors for remote mode, a missing or non-http URL', async () => {
    const home = tempDir('maestro-store-')
    const remote = await runCommand(Sync, [
      '--store',
      home,
      '--remote',
      'http://127.0.0.1:1',
      '--remote-url',
      'http://x/y.git',
    ])
    expect(remote.exitCode).toBe(2)
    expect(remote.error?.message).toMatch(/sync works on a local store/)
    // An unreachable remote is an error (exit 1) and is not remembered.
    const down = await runCommand(Sync, [
      '--store',
      home,
      '--remote-url',
      'http://127.0.0.1:9/x.git',
      '--json',
    ])
    expect(down.exitCode).toBe(1)
    expect(JSON.parse(down.stdout).error.code).toBe('SYNC_REMOTE_FAILED')
    const missing = await runCommand(Sync, ['--store', home])
    expect(missing.exitCode).toBe(2)
    expect(missing.error?.message).toMatch(/--remote-url URL/)
    const ssh = await runCommand(Sync, ['--store', home, '--remote-url', 'ssh://git@example.com/x.git'])
    expect(ssh.exitCode).toBe(2)
    expect(ssh.error?.message).toMatch(/HTTP\(S\) only/)
  })
})
