import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import Sync from '../../../commands/sync.js'
import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {GitStore} from '../../../src/store/git-store.js'
import {syncNamespace} from '../../../src/sync/git-sync.js'
import {SyncRemoteNotAllowedError, type RemotePolicy} from '../../../src/sync/remote-policy.js'
import {runCommand} from '../../helpers/command.js'
import {LOCAL, git, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {useGitHttpServer} from './git-http-server.js'

/** A store with one published template, ready to push. */
async function storeWithTemplate() {
  const config = testConfig()
  const registry = await openLocalRegistry({config, context: LOCAL})
  await registry.publish({
    template: await loadTemplateDir(await writeTemplate(tempDir(), {name: 'orders-api'})),
  })
  await registry.close()
  return {config, repo: new GitStore(join(config.home, 'git')).repo('local')}
}

describe('sync refuses remotes on non-public addresses unless configured (SSRF)', () => {
  const http = useGitHttpServer()

  it('CLI: a name resolving to 127.0.0.1 is refused with MAESTRO_SYNC_ALLOW_PRIVATE=false, before any request', async () => {
    const url = http.server.createRepo('team').replace('127.0.0.1', 'localhost')
    const {config, repo} = await storeWithTemplate()
    process.env.MAESTRO_SYNC_ALLOW_PRIVATE = 'false'
    delete process.env.MAESTRO_SYNC_ALLOWED_HOSTS
    const refused = await runCommand(Sync, ['--store', config.home, '--remote-url', url, '--json'])
    expect(refused.exitCode).toBe(1)
    const error = JSON.parse(refused.stdout).error as {code: string; message: string; data: {kind: string}}
    expect(error.code).toBe('SYNC_REMOTE_NOT_ALLOWED')
    expect(error.message).toMatch(/localhost: it resolves to (127\.0\.0\.1|::1), which is a loopback address/)
    expect(http.server.requests).toEqual([])
    // Not remembered either.
    expect(() => git(repo.dir, 'config', 'remote.origin.url')).toThrow()

    // The same URL as a decimal IPv4 literal is the same address.
    const decimal = url.replace('localhost', '2130706433')
    const literal = await runCommand(Sync, ['--store', config.home, '--remote-url', decimal, '--json'])
    expect(JSON.parse(literal.stdout).error.code).toBe('SYNC_REMOTE_NOT_ALLOWED')
    expect(http.server.requests).toEqual([])

    // The allow-list opts this one host in.
    process.env.MAESTRO_SYNC_ALLOWED_HOSTS = 'localhost'
    const allowed = await runCommand(Sync, ['--store', config.home, '--remote-url', url, '--json'])
    expect(allowed.exitCode).toBe(0)
    expect(allowed.result).toMatchObject({pushed: 1})
  })

  it('CLI: private addresses are allowed by default (a developer syncing with a LAN server)', async () => {
    const url = http.server.createRepo('team')
    const {config} = await storeWithTemplate()
    delete process.env.MAESTRO_SYNC_ALLOW_PRIVATE
    delete process.env.MAESTRO_SYNC_ALLOWED_HOSTS
    const ok = await runCommand(Sync, ['--store', config.home, '--remote-url', url, '--json'])
    expect(ok.exitCode).toBe(0)
    expect(ok.result).toMatchObject({pushed: 1})
  })

  it('connects only to the address it checked: a made-up name resolved by the policy reaches the server', async () => {
    const url = http.server.createRepo('team').replace('127.0.0.1', 'git.maestro.test')
    const {repo} = await storeWithTemplate()
    let lookups = 0
    const policy: RemotePolicy = {
      allowPrivate: false,
      allowedHosts: ['git.maestro.test'],
      resolve: async () => {
        lookups++
        return [{address: '127.0.0.1', family: 4}]
      },
    }
    const summary = await syncNamespace(repo, {url, policy})
    expect(summary.pushed).toBe(1)
    // The check before the sync, then one per connection: the socket used the checked answer.
    expect(lookups).toBeGreaterThan(1)
    git(join(http.server.root, 'team.git'), 'fsck', '--strict')
  })

  it('re-checks at connect time: a DNS answer that changes after the first check (rebinding) is refused', async () => {
    const url = http.server.createRepo('team').replace('127.0.0.1', 'rebind.maestro.test')
    const {repo} = await storeWithTemplate()
    let lookups = 0
    const policy: RemotePolicy = {
      allowPrivate: false,
      allowedHosts: [],
      // Public for the first question, loopback afterwards.
      resolve: async () => [{address: lookups++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4}],
    }
    const err = await syncNamespace(repo, {url, policy}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SyncRemoteNotAllowedError)
    expect(http.server.requests).toEqual([])
    expect(() => git(repo.dir, 'config', 'remote.origin.url')).toThrow()
  })

  it('re-checks every redirect: an allowed host redirecting to a refused address is not followed', async () => {
    http.server.createRepo('team')
    const target = `${http.server.base}/team.git`
    const redirector: Server = createServer((req, res) => {
      res.writeHead(302, {Location: `${target}${req.url?.replace(/^\/team\.git/, '')}`}).end()
    })
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    const port = (redirector.address() as AddressInfo).port
    try {
      const {repo} = await storeWithTemplate()
      const policy: RemotePolicy = {
        allowPrivate: false,
        allowedHosts: ['mirror.maestro.test'],
        resolve: async () => [{address: '127.0.0.1', family: 4}],
      }
      const err = await syncNamespace(repo, {
        url: `http://mirror.maestro.test:${port}/team.git`,
        policy,
      }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(SyncRemoteNotAllowedError)
      expect((err as Error).message).toMatch(/127\.0\.0\.1.*loopback/)
      expect(http.server.requests).toEqual([])
    } finally {
      redirector.closeAllConnections()
      await new Promise<void>((resolve) => redirector.close(() => resolve()))
    }
  })
})
