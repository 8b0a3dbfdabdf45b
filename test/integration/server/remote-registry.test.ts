import {afterEach, describe, expect, it, onTestFinished, vi} from 'vitest'

import Get from '../../../commands/get.js'
import Search from '../../../commands/search.js'
import Versions from '../../../commands/versions.js'
import {RemoteRegistry} from '../../../src/client/index.js'
import {TemplateClient} from '../../../src/client/index.js'
import {MaestroError} from '../../../src/domain/errors.js'
import type {Registry} from '../../../src/registry/types.js'
import {runCommand} from '../../helpers/command.js'
import {LOCAL, tempDir, writeTemplate} from '../../helpers/temp.js'
import {startTestServer, templateFiles} from './support.js'
import type {TestServer} from './support.js'

afterEach(() => {
  vi.unstubAllEnvs()
})

async function setup(): Promise<{server: TestServer; local: Registry; remote: RemoteRegistry}> {
  const server = await startTestServer()
  const local = server.registry.withContext(LOCAL)
  const remote = new RemoteRegistry({url: server.url})
  onTestFinished(() => remote.close())
  for (const [name, version] of [
    ['alpha-api', '1.0.0'],
    ['alpha-api', '1.1.0'],
    ['beta-worker', '0.2.0'],
  ] as const) {
    const {parseTemplate} = await import('../../../src/domain/template.js')
    const files = templateFiles({name, version, files: {'files/VERSION': version}})
    await local.publish({template: parseTemplate(files)})
  }
  return {server, local, remote}
}

/** How a failure looks to the CLI: class, code, message and exit code. */
async function failure(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(MaestroError)
  const e = err as MaestroError
  return {name: e.constructor.name, code: e.code, message: e.message, exitCode: e.exitCode, status: e.status}
}

describe('RemoteRegistry: the same answers as LocalRegistry', () => {
  it('search, get, getFiles, versions and instantiate agree', async () => {
    const {local, remote} = await setup()
    for (const query of [
      {},
      {text: 'alpha'},
      {category: 'backend_developer' as const, limit: 1, offset: 1},
      {tags: ['starter']},
      {text: 'api', sort: 'name' as const},
      {sort: 'updated' as const},
    ]) {
      expect(await remote.search(query)).toEqual(await local.search(query))
    }
    for (const ref of ['alpha-api', 'alpha-api@1.0.0', 'alpha-api@^1', 'local/beta-worker']) {
      expect(await remote.get(ref)).toEqual(await local.get(ref))
    }
    const remoteFiles = await remote.getFiles('alpha-api@1.0.0')
    const localFiles = await local.getFiles('alpha-api@1.0.0')
    expect(remoteFiles.detail).toEqual(localFiles.detail)
    expect(remoteFiles.manifest).toEqual(localFiles.manifest)
    expect([...remoteFiles.files.keys()].sort()).toEqual([...localFiles.files.keys()].sort())
    expect(await remote.versions('alpha-api')).toEqual(await local.versions('alpha-api'))

    const answers = {project_name: 'billing', include_license: false}
    const r = await remote.instantiate('alpha-api', {answers})
    const l = await local.instantiate('alpha-api', {answers})
    expect({...r, files: undefined}).toEqual({...l, files: undefined})
    expect([...r.files.keys()].sort()).toEqual([...l.files.keys()].sort())
    for (const [path, bytes] of l.files) {
      let got = Buffer.from(r.files.get(path)!)
      // The daemon records the project it made: its answers file carries the project id.
      if (path === '.maestro-answers.yaml') {
        const text = got.toString('utf8')
        expect(text).toMatch(/^project: [0-9a-f-]{36}$/m)
        got = Buffer.from(text.replace(/^project: .*\n/m, ''))
      }
      expect(got.equals(Buffer.from(bytes)), path).toBe(true)
    }
  })

  it('fails with the same error class, code, message and exit code', async () => {
    const {local, remote} = await setup()
    const cases: ((r: Registry) => Promise<unknown>)[] = [
      (r) => r.get('no-such-template'),
      (r) => r.get('alpha-api@7.0.0'),
      (r) => r.get('alpha-api@not-a-version'),
      (r) => r.get('Bad Name'),
      (r) => r.versions('missing'),
      (r) => r.delete('alpha-api@1.0.0'),
      (r) => r.instantiate('alpha-api', {answers: {project_name: 'Not Valid!'}}),
    ]
    for (const run of cases) expect(await failure(run(remote))).toEqual(await failure(run(local)))
  })

  it('publishes and deletes through the daemon', async () => {
    const {remote, local} = await setup()
    const {parseTemplate} = await import('../../../src/domain/template.js')
    const template = parseTemplate(templateFiles({name: 'gamma-ui', version: '1.0.0'}))
    const published = await remote.publish({template, message: 'from the SDK'})
    expect(published).toMatchObject({status: 'created', template: {name: 'gamma-ui', namespace: 'local'}})
    expect((await local.versions('gamma-ui'))[0]!.message).toBe('from the SDK')
    const again = await remote.publish({template})
    expect(again.status).toBe('unchanged')
    const deleted = await remote.delete('gamma-ui')
    expect(deleted).toMatchObject({name: 'gamma-ui', namespace: 'local'})
    expect((await failure(local.get('gamma-ui'))).code).toBe('NOT_FOUND')
  })
})

describe('CLI commands with --remote return what they return locally', () => {
  it('search, get and versions', async () => {
    const {server} = await setup()
    // The local CLI must not import the bundled catalog into the daemon's store: same (empty) catalog as the daemon.
    vi.stubEnv('TEMPLATES_STORAGE_PATH', server.config.templatesStoragePath)
    // The daemon's store, read directly by the local CLI, must give the same output as through the daemon.
    const daemonHome = await daemonHomeOf(server)
    for (const [cmd, args] of [
      [Search, ['alpha']],
      [Search, ['--json']],
      [Get, ['alpha-api@1.0.0', '--files']],
      [Get, ['beta-worker', '--json']],
      [Versions, ['alpha-api']],
    ] as const) {
      const viaDaemon = await runCommand(cmd, [...args, '--remote', server.url])
      const direct = await runCommand(cmd, [...args, '--store', daemonHome])
      expect(viaDaemon.exitCode, viaDaemon.stderr).toBe(0)
      // The printed text is compared end to end (test/e2e/daemon.test.ts): in-process capture misses late console writes.
      expect(viaDaemon.result).toEqual(direct.result)
    }
  })

  it('errors: same message and exit code', async () => {
    const {server} = await setup()
    vi.stubEnv('TEMPLATES_STORAGE_PATH', server.config.templatesStoragePath)
    const daemonHome = await daemonHomeOf(server)
    for (const args of [['no-such-template'], ['alpha-api@nope'], ['alpha-api@9']]) {
      const viaDaemon = await runCommand(Get, [...args, '--remote', server.url])
      const direct = await runCommand(Get, [...args, '--store', daemonHome])
      expect(viaDaemon.exitCode).toBe(direct.exitCode)
      expect(viaDaemon.exitCode).not.toBe(0)
      expect(viaDaemon.error?.message).toBe(direct.error?.message)
    }
  })

  it('create from a folder', async () => {
    const {server} = await setup()
    const dir = await writeTemplate(tempDir(), {name: 'from-cli'})
    const Create = (await import('../../../commands/create.js')).default
    const run = await runCommand(Create, [dir, '--remote', server.url])
    expect(run.exitCode, run.stderr).toBe(0)
    expect(run.result).toMatchObject({status: 'created', template: {name: 'from-cli'}})
  })
})

describe('TemplateClient against the daemon', () => {
  it('creates from a folder, validates, downloads an archive and reads health', async () => {
    const {server} = await setup()
    const client = new TemplateClient({baseUrl: server.url})
    onTestFinished(() => client.close())
    const dir = await writeTemplate(tempDir(), {name: 'sdk-made'})
    expect((await client.create(dir)).status).toBe('created')
    expect(
      (await client.update('sdk-made', await writeTemplate(dir, {name: 'sdk-made', version: '0.2.0'})))
        .status,
    ).toBe('updated')
    expect((await client.validate(dir)).passed).toBe(true)
    expect((await client.validate({ref: 'sdk-made'})).template).toBe('sdk-made')
    expect((await client.score(dir)).score).toBeGreaterThanOrEqual(70)
    const out = `${tempDir()}/p.zip`
    const zip = await client.instantiate('sdk-made', {
      format: 'zip',
      output: out,
      answers: {project_name: 'x'},
    })
    expect(zip).toMatchObject({filename: 'sdk-made.zip', template: 'sdk-made', version: '0.2.0', output: out})
    expect((await client.health()).status).toBe('healthy')
    expect((await client.qualityReport()).totals.templates).toBe(3)
    expect((await client.stats()).templates).toBe(3)
  })
})

/** The store folder the test server runs on. */
async function daemonHomeOf(server: TestServer): Promise<string> {
  return server.config.home
}
