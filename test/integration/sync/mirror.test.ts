import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import Delete from '../../../commands/delete.js'
import Get from '../../../commands/get.js'
import Search from '../../../commands/search.js'
import Sync from '../../../commands/sync.js'
import Versions from '../../../commands/versions.js'
import type {MirrorSummary} from '../../../src/sync/mirror.js'
import {mirrorNamespaceFor, mirrorNamespaces} from '../../../src/sync/mirror-namespace.js'
import {runCommand} from '../../helpers/command.js'
import {git, tempDir} from '../../helpers/temp.js'
import {startTestServer, templateUpload, type TestServer} from '../server/support.js'

/** GETs of a route the daemon answered so far, from its own metrics. */
async function hits(server: TestServer, route: string): Promise<number> {
  const text = await (await server.api('/metrics')).text()
  let total = 0
  for (const line of text.split('\n')) {
    if (
      line.startsWith('http_requests_total{') &&
      line.includes(`route="${route}"`) &&
      line.includes('method="GET"')
    )
      total += Number(line.split(' ').pop())
  }
  return total
}

async function publish(server: TestServer, name: string, version: string, notes?: string) {
  const res = await server.api('/api/v1/templates', {
    json: templateUpload({name, version, ...(notes ? {files: {'files/notes.txt': notes}} : {})}),
  })
  expect(res.status, await res.clone().text()).toBeLessThan(300)
}

describe('sync --from-remote (mirror a daemon into the local store)', () => {
  let daemon: TestServer
  let home: string
  let into: string
  const savedEnv = {...process.env}
  const mirror = async (...extra: string[]) => {
    const run = await runCommand(Sync, ['--store', home, '--from-remote', daemon.url, '--json', ...extra])
    expect(run.exitCode, run.stdout + run.stderr).toBe(0)
    return run.result as unknown as MirrorSummary
  }
  beforeEach(async () => {
    process.env.TEMPLATES_STORAGE_PATH = tempDir('maestro-empty-')
    delete process.env.MAESTRO_TOKEN
    daemon = await startTestServer()
    home = tempDir('maestro-store-')
    into = mirrorNamespaceFor(daemon.url)
  })
  afterEach(() => {
    process.env = {...savedEnv}
  })

  it('mirrors every version in semver order, then moves only what changed', async () => {
    // Published out of order on the daemon: 1.0.0 before 0.2.0.
    await publish(daemon, 'orders-api', '0.1.0')
    await publish(daemon, 'orders-api', '1.0.0', 'one')
    await publish(daemon, 'orders-api', '0.2.0', 'two')
    await publish(daemon, 'billing-api', '0.1.0')

    const first = await mirror()
    expect(into).toMatch(/^mirror-127-0-0-1-\d+$/)
    expect(first).toMatchObject({
      remote: daemon.url,
      namespace: into,
      templates: {added: ['billing-api', 'orders-api'], changed: [], removed: [], unchanged: 0},
      versions: 4,
    })
    expect(first.bytes).toBeGreaterThan(1000)

    // Offline: the local CLI reads the mirror, with the daemon's version numbers and files.
    const versions = await runCommand(Versions, ['orders-api', '--store', home, '--json'])
    expect(
      (versions.result as unknown as {versions: {version: string}[]}).versions.map((v) => v.version),
    ).toEqual(['1.0.0', '0.2.0', '0.1.0'])
    const local = await runCommand(Get, ['orders-api@0.2.0', '--store', home, '--json'])
    const remote = await (await daemon.api('/api/v1/templates/orders-api/versions/0.2.0')).json()
    const detail = local.result as unknown as {namespace: string; files: {path: string; oid: string}[]}
    expect(detail.namespace).toBe(into)
    expect(detail.files).toEqual(remote.files)
    const search = await runCommand(Search, ['api', '--store', home, '--json'])
    expect((search.result as unknown as {items: {name: string}[]}).items.map((i) => i.name).sort()).toEqual([
      'billing-api',
      'orders-api',
    ])
    // Published locally in semver order, one commit per version; a real git reads it.
    const repo = join(home, 'git', `${into}.git`)
    const log = git(repo, 'log', '--reverse', '--format=%s', 'main').trim().split('\n')
    expect(log.filter((l) => l.includes('orders-api'))).toEqual([
      expect.stringMatching(/^mirror orders-api@0\.1\.0 from http/),
      expect.stringMatching(/^mirror orders-api@0\.2\.0 /),
      expect.stringMatching(/^mirror orders-api@1\.0\.0 /),
    ])
    git(repo, 'fsck', '--strict')

    // Second run: nothing moves, no file is downloaded again.
    const filesBefore = await hits(daemon, '/api/v1/templates/{id}/files')
    const second = await mirror()
    expect(second).toMatchObject({
      templates: {added: [], changed: [], removed: [], unchanged: 2},
      versions: 0,
      bytes: 0,
    })
    expect(await hits(daemon, '/api/v1/templates/{id}/files')).toBe(filesBefore)
    expect(git(repo, 'log', '--format=%s', 'main').trim().split('\n')).toHaveLength(log.length)

    // A new version on the daemon: only that one moves.
    await publish(daemon, 'orders-api', '1.1.0', 'eleven')
    const third = await mirror()
    expect(third).toMatchObject({
      templates: {added: [], changed: ['orders-api'], removed: [], unchanged: 1},
      versions: 1,
    })
    expect(await hits(daemon, '/api/v1/templates/{id}/files')).toBe(filesBefore + 1)
    const latest = await runCommand(Get, ['orders-api', '--store', home, '--json'])
    expect(latest.result).toMatchObject({version: '1.1.0', namespace: into})

    // Gone from the daemon: deleted from the mirror (its git history keeps it).
    expect((await daemon.api('/api/v1/templates/billing-api', {method: 'DELETE'})).status).toBe(200)
    const fourth = await mirror()
    expect(fourth.templates).toMatchObject({removed: ['billing-api'], added: [], changed: []})
    const gone = await runCommand(Get, ['billing-api', '--store', home, '--json'])
    expect(gone.exitCode).toBe(1)
    expect(JSON.parse(gone.stdout).error.code).toBe('NOT_FOUND')
    git(repo, 'fsck', '--strict')
  })

  it('mirrors templates named after members of Object.prototype like any other', async () => {
    await publish(daemon, 'constructor', '0.1.0')
    await publish(daemon, 'prototype', '0.1.0')
    const first = await mirror()
    expect(first.templates).toMatchObject({added: ['constructor', 'prototype'], changed: [], unchanged: 0})
    const second = await mirror()
    expect(second).toMatchObject({
      templates: {added: [], changed: [], removed: [], unchanged: 2},
      versions: 0,
    })
  })

  it('follows the daemon when a version was published again with other content', async () => {
    await publish(daemon, 'orders-api', '0.1.0', 'first content')
    await publish(daemon, 'orders-api', '0.2.0')
    await mirror()
    // Deleted and published again on the daemon: 0.1.0 now holds other files, 0.2.0 is gone.
    await daemon.api('/api/v1/templates/orders-api', {method: 'DELETE'})
    await publish(daemon, 'orders-api', '0.1.0', 'second content')
    const again = await mirror()
    expect(again).toMatchObject({templates: {changed: ['orders-api']}, versions: 1})
    const versions = await runCommand(Versions, ['orders-api', '--store', home, '--json'])
    expect(
      (versions.result as unknown as {versions: {version: string}[]}).versions.map((v) => v.version),
    ).toEqual(['0.1.0'])
    const local = await runCommand(Get, ['orders-api', '--store', home, '--json'])
    const remote = await (await daemon.api('/api/v1/templates/orders-api')).json()
    expect((local.result as unknown as {files: unknown[]}).files).toEqual(remote.files)

    // The same version number and version set, with other content: compared by hash, then rebuilt.
    await daemon.api('/api/v1/templates/orders-api', {method: 'DELETE'})
    await publish(daemon, 'orders-api', '0.1.0', 'third content')
    expect(await mirror()).toMatchObject({templates: {changed: ['orders-api']}, versions: 1})
    const third = await runCommand(Get, ['orders-api', '--store', home, '--json'])
    const remoteThird = await (await daemon.api('/api/v1/templates/orders-api')).json()
    expect((third.result as unknown as {files: unknown[]}).files).toEqual(remoteThird.files)

    // Published again with the very same content (a new commit on the daemon): nothing is downloaded.
    await daemon.api('/api/v1/templates/orders-api', {method: 'DELETE'})
    await publish(daemon, 'orders-api', '0.1.0', 'third content')
    expect(await mirror()).toMatchObject({templates: {changed: [], unchanged: 1}, versions: 0, bytes: 0})
  })

  it('mirrors only what the filters select, keeps what falls outside them, and is read-only locally', async () => {
    await publish(daemon, 'orders-api', '0.1.0')
    await publish(daemon, 'billing-api', '0.1.0')
    const some = await mirror('--query', 'orders', '--namespace', 'local', '--into', 'mirror-team')
    expect(some).toMatchObject({namespace: 'mirror-team', templates: {added: ['orders-api']}, versions: 1})
    const other = await mirror('--query', 'billing', '--into', 'mirror-team')
    expect(other.templates).toMatchObject({added: ['billing-api'], removed: []})
    const none = await mirror('--category', 'frontend_developer', '--into', 'mirror-team')
    expect(none.templates).toMatchObject({added: [], changed: [], removed: [], unchanged: 0})

    const del = await runCommand(Delete, ['orders-api', '--store', home, '--yes', '--json'])
    expect(del.exitCode).toBe(1)
    expect(JSON.parse(del.stdout).error.code).toBe('FORBIDDEN')

    // Human output: a table and the names.
    await publish(daemon, 'shipping-api', '0.1.0')
    const human = await runCommand(Sync, [
      '--store',
      home,
      '--from-remote',
      daemon.url,
      '--into',
      'mirror-team',
    ])
    expect(human.exitCode).toBe(0)
    expect(human.stdout).toMatch(/NAMESPACE\s+ADDED\s+CHANGED\s+REMOVED\s+UNCHANGED\s+VERSIONS\s+BYTES/)
    expect(human.stdout).toMatch(/mirror-team\s+1\s+0\s+0\s+2\s+1\s+\d+/)
    expect(human.stdout).toMatch(/added: shipping-api/)
  })

  it('answers usage errors: a local namespace that is not a mirror, mixed modes, an unreachable daemon', async () => {
    const bad = await runCommand(Sync, ['--store', home, '--from-remote', daemon.url, '--into', 'local'])
    expect(bad.exitCode).toBe(2)
    expect(bad.error?.message).toMatch(/--into must name a mirror namespace/)
    const positional = await runCommand(Sync, ['acme', '--store', home, '--from-remote', daemon.url])
    expect(positional.exitCode).toBe(2)
    expect(positional.error?.message).toMatch(/takes no NAMESPACE argument/)
    const mixed = await runCommand(Sync, ['--store', home, '--from-remote', daemon.url, '--push'])
    expect(mixed.exitCode).toBe(2)
    // A git remote configured in the environment does not get in the way of mirroring.
    process.env.MAESTRO_GIT_REMOTE = 'http://git.example.com/team.git'
    const down = await runCommand(Sync, ['--store', home, '--from-remote', 'http://127.0.0.1:9', '--json'])
    expect(down.exitCode).toBe(1)
    expect(JSON.parse(down.stdout).error.code).toBe('REMOTE_UNAVAILABLE')
    // Nothing is left behind: no empty mirror namespace for the CLI to read.
    expect(mirrorNamespaces(home)).toEqual([])
  })
})
