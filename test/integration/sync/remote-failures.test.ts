/**
 * Git sync against remotes that fail (issue 12, defect 7): a host that does not resolve
 * is a 502 SYNC_REMOTE_FAILED like any unreachable remote; a remote whose HEAD names a
 * branch that does not exist still syncs its `main`; a malformed pack is a remote failure
 * that changes nothing locally. Real git over loopback (git http-backend); the DNS
 * failure comes from a resolver the test controls.
 */
import {request as httpRequest, createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

import {describe, expect, it, onTestFinished} from 'vitest'

import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry, type LocalRegistry} from '../../../src/registry/local-registry.js'
import {GitStore} from '../../../src/store/git-store.js'
import {SyncRemoteError, syncNamespace} from '../../../src/sync/git-sync.js'
import type {RemotePolicy} from '../../../src/sync/remote-policy.js'
import {LOCAL, git, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {useGitHttpServer} from './git-http-server.js'

const LOOPBACK: RemotePolicy = {allowPrivate: false, allowedHosts: ['127.0.0.1']}

async function openStore() {
  const config = testConfig()
  const registry = await openLocalRegistry({config, context: LOCAL})
  onTestFinished(() => registry.close())
  const repo = new GitStore(join(config.home, 'git')).repo('local')
  return {config, registry, repo, repoDir: repo.dir}
}

async function publish(registry: LocalRegistry, name: string) {
  const dir = await writeTemplate(tempDir(), {name})
  return registry.publish({template: await loadTemplateDir(dir)})
}

/**
 * Flips bytes of the pack inside an upload-pack answer, keeping the pkt-line framing
 * (4 hex digits of length, then the payload; side band 1 carries the pack): the client
 * reads a well-formed answer whose pack is garbage after its header.
 */
function damagePack(body: Buffer): void {
  let at = 0
  let packBytes = 0
  while (at + 4 <= body.length) {
    const length = Number.parseInt(body.subarray(at, at + 4).toString('latin1'), 16)
    if (!Number.isFinite(length) || length < 4) {
      at += 4
      continue
    }
    const payload = at + 4
    if (body[payload] === 1) {
      for (let i = payload + 1; i < at + length; i++, packBytes++) {
        // Keep the 12-byte pack header: past it, everything is flipped.
        if (packBytes >= 12) body[i] = body[i]! ^ 0x5a
      }
    }
    at += length
  }
}

/**
 * A proxy in front of the git server that damages the pack of every fetch: bytes in the
 * middle of the upload-pack answer are flipped, the framing left as it is.
 */
async function corruptingProxy(target: string): Promise<{url: string; close(): Promise<void>}> {
  const server = createServer((req, res) => {
    const upstream = httpRequest(
      `${target}${req.url}`,
      {method: req.method, headers: {...req.headers, host: new URL(target).host}},
      (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (c: Buffer) => chunks.push(c))
        answer.on('end', () => {
          const body = Buffer.concat(chunks)
          if (req.method === 'POST' && req.url?.endsWith('/git-upload-pack')) damagePack(body)
          const headers = {...answer.headers, 'content-length': String(body.length)}
          delete headers['transfer-encoding']
          res.writeHead(answer.statusCode ?? 500, headers).end(body)
        })
      },
    )
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('sync against failing remotes', () => {
  const http = useGitHttpServer()

  it('answers SYNC_REMOTE_FAILED (502) when the host name does not resolve', async () => {
    const a = await openStore()
    const policy: RemotePolicy = {
      allowPrivate: false,
      allowedHosts: [],
      // What the system resolver answers for a name nobody knows.
      resolve: async (hostname) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
          syscall: 'getaddrinfo',
          hostname,
        })
      },
    }
    const err = await syncNamespace(a.repo, {policy, url: 'https://git.nowhere.example/team.git'}).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(SyncRemoteError)
    expect(err).toMatchObject({code: 'SYNC_REMOTE_FAILED', status: 502})
    expect((err as Error).message).toMatch(/git\.nowhere\.example.*does not resolve|ENOTFOUND/)
    // Nothing recorded for a remote that never answered.
    expect(() => git(a.repoDir, 'config', 'remote.origin.url')).toThrow()
  })

  it('pulls main from a remote whose HEAD names a branch that does not exist', async () => {
    const url = http.server.createRepo('team')
    const a = await openStore()
    await publish(a.registry, 'orders-api')
    await syncNamespace(a.repo, {policy: LOOPBACK, url, push: true})
    // The bare repository's HEAD points at a branch nobody created (a renamed default branch).
    git(join(http.server.root, 'team.git'), 'symbolic-ref', 'HEAD', 'refs/heads/master')

    const b = await openStore()
    const summary = await syncNamespace(b.repo, {
      policy: LOOPBACK,
      url,
      pull: true,
      afterPull: () => b.registry.reconcile(),
    })
    expect(summary).toMatchObject({fetched: 1, templates: {added: ['orders-api']}})
    expect(git(b.repoDir, 'rev-parse', 'main').trim()).toBe(git(a.repoDir, 'rev-parse', 'main').trim())
  })

  it('answers SYNC_REMOTE_FAILED for a malformed pack and changes nothing locally', async () => {
    const url = http.server.createRepo('team')
    const a = await openStore()
    await publish(a.registry, 'orders-api')
    await syncNamespace(a.repo, {policy: LOOPBACK, url, push: true})
    const proxy = await corruptingProxy(http.server.base)
    onTestFinished(() => proxy.close())

    const b = await openStore()
    await publish(b.registry, 'kept-api')
    const before = git(b.repoDir, 'rev-parse', 'main').trim()
    const err = await syncNamespace(b.repo, {
      policy: LOOPBACK,
      url: `${proxy.url}/team.git`,
      pull: true,
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SyncRemoteError)
    expect(err).toMatchObject({code: 'SYNC_REMOTE_FAILED', status: 502})
    expect((err as Error).message).toMatch(/pack/i)
    expect(git(b.repoDir, 'rev-parse', 'main').trim()).toBe(before)
    git(b.repoDir, 'fsck', '--strict')
  })
})
