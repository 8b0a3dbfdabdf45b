import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {runBin} from '../helpers/command.js'
import {exited, startDaemon} from '../helpers/daemon.js'
import {writeTemplate} from '../helpers/temp.js'

/**
 * The built daemon (`bin/run.js serve`) in its own process, driven by the built CLI with
 * --remote, and compared with the same CLI reading the daemon's store directly.
 */
describe('maestro-tpl serve (built daemon, end to end)', () => {
  let work: string
  let env: Record<string, string>
  let daemon: Awaited<ReturnType<typeof startDaemon>>
  const cli = (...args: string[]) => runBin(args, env)
  const json = (...args: string[]) => {
    const run = cli(...args, '--json')
    try {
      return {...run, data: JSON.parse(run.stdout)}
    } catch {
      throw new Error(`not JSON (exit ${run.status}): ${run.stdout}\n${run.stderr}`)
    }
  }
  const remote = (...args: string[]) => json(...args, '--remote', daemon.url)

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'maestro-daemon-e2e-'))
    // The bundled catalog (TEMPLATES_STORAGE_PATH unset) is imported on the daemon's first start.
    env = {MAESTRO_HOME: join(work, 'store'), CI: 'true', ENABLE_RBAC: 'false'}
    daemon = await startDaemon(env)
  }, 120_000)

  afterAll(() => {
    if (daemon?.child.exitCode === null) daemon.child.kill('SIGKILL')
    rmSync(work, {recursive: true, force: true})
  })

  it('serves the catalog: search and get give the same output as the local CLI on the same store', () => {
    const viaDaemon = remote('search', '--limit', '100')
    expect(viaDaemon.status, viaDaemon.stderr).toBe(0)
    expect(viaDaemon.data.total).toBeGreaterThanOrEqual(1)
    expect(viaDaemon.data).toEqual(json('search', '--limit', '100').data)

    const name = viaDaemon.data.items[0].name
    expect(remote('get', name).data).toEqual(json('get', name).data)
    const table = cli('get', name, '--files', '--remote', daemon.url)
    expect(table.status).toBe(0)
    expect(table.stdout).toBe(cli('get', name, '--files').stdout)
  })

  it('creates, versions, instantiates and deletes through the daemon', async () => {
    const dir = join(work, 'remote-service')
    expect(cli('create', '--scaffold', 'remote-service', '--category', 'backend_developer', dir).status).toBe(
      0,
    )
    const created = remote('create', dir)
    expect(created.status, created.stderr).toBe(0)
    expect(created.data).toMatchObject({
      status: 'created',
      template: {name: 'remote-service', namespace: 'local'},
    })

    await writeTemplate(dir, {
      name: 'remote-service',
      version: '0.2.0',
      files: {'files/NOTES.md': 'notes for {{ project_name }}'},
    })
    expect(remote('create', dir, '--message', 'add notes').data.status).toBe('updated')
    const versions = remote('versions', 'remote-service')
    expect(versions.data.versions.map((v: {version: string}) => v.version)).toEqual(['0.2.0', '0.1.0'])
    expect(versions.data).toEqual(json('versions', 'remote-service').data)

    const dest = join(work, 'out')
    const made = remote('instantiate', 'remote-service@0.2.0', dest, '--set', 'project_name=billing')
    expect(made.status, made.stderr).toBe(0)
    expect(readFileSync(join(dest, 'NOTES.md'), 'utf8')).toBe('notes for billing')
    const answers = parse(readFileSync(join(dest, '.maestro-answers.yaml'), 'utf8'))
    expect(answers).toMatchObject({
      template: 'remote-service',
      version: '0.2.0',
      answers: {project_name: 'billing'},
    })
    const localDest = join(work, 'out-local')
    expect(
      json('instantiate', 'remote-service@0.2.0', localDest, '--set', 'project_name=billing').status,
    ).toBe(0)
    expect(readdirSync(dest).sort()).toEqual(readdirSync(localDest).sort())

    const deleted = remote('delete', 'remote-service', '--yes')
    expect(deleted.status).toBe(0)
    expect(deleted.data).toMatchObject({name: 'remote-service', namespace: 'local'})
    const gone = cli('get', 'remote-service', '--remote', daemon.url)
    expect(gone.status).toBe(1)
    expect(gone.stderr).toBe(cli('get', 'remote-service').stderr)
  })

  it('fails remotely with the local message and exit code', () => {
    for (const args of [
      ['get', 'no-such-template'],
      ['get', 'Bad Name!'],
      ['versions', 'missing'],
    ]) {
      const viaDaemon = cli(...args, '--remote', daemon.url)
      const direct = cli(...args)
      expect(viaDaemon.status).toBe(direct.status)
      expect(viaDaemon.stderr).toBe(direct.stderr)
    }
    const unreachable = cli('search', '--remote', 'http://127.0.0.1:9')
    expect(unreachable.status).toBe(1)
    expect(unreachable.stderr).toContain('cannot reach the maestro-tpl daemon')
  })

  it('answers /health and /openapi.json', async () => {
    const health = (await (await fetch(`${daemon.url}/health`)).json()) as {templates_count: number}
    expect(health).toMatchObject({
      status: 'healthy',
      service: 'maestro-tpl',
      database: 'connected',
      redis: 'not configured',
    })
    expect(health.templates_count).toBeGreaterThan(0)
    expect(((await (await fetch(`${daemon.url}/openapi.json`)).json()) as {openapi: string}).openapi).toBe(
      '3.1.0',
    )
  })

  it('renders in its bundled worker: a template past RENDER_TIMEOUT_MS is stopped and the daemon serves on', async () => {
    const home = join(work, 'limited')
    const catalog = join(work, 'no-catalog')
    mkdirSync(catalog, {recursive: true})
    const limitedEnv = {
      MAESTRO_HOME: home,
      TEMPLATES_STORAGE_PATH: catalog,
      RENDER_TIMEOUT_MS: '1000',
      RENDER_WORKERS: '1',
      ENABLE_RBAC: 'false',
    }
    const limited = await startDaemon(limitedEnv)
    try {
      const dir = join(work, 'looper')
      const loop = '{% for i in (1..100000) %}{% for j in (1..100000) %}{% endfor %}{% endfor %}'
      await writeTemplate(dir, {name: 'looper', files: {'files/loop.txt': loop}})
      const refused = runBin(['create', dir, '--json', '--remote', limited.url], limitedEnv)
      expect(refused.status).toBe(1)
      expect(JSON.parse(refused.stdout).error).toMatchObject({
        code: 'RENDER_LIMIT_EXCEEDED',
        data: {limit: 'time', timeoutMs: 1000},
      })
      expect((await fetch(`${limited.url}/health`)).status).toBe(200)
      const search = runBin(['search', '--json', '--remote', limited.url], limitedEnv)
      expect(JSON.parse(search.stdout)).toMatchObject({total: 0})
    } finally {
      limited.child.kill('SIGTERM')
      await exited(limited.child)
    }
  })

  it('finishes in-flight requests on SIGTERM, closes the database and exits 0', async () => {
    // A request whose body is still arriving when SIGTERM lands: it is in flight for sure.
    const url = new URL(`${daemon.url}/api/v1/templates/fastapi-service/instantiate`)
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/gzip',
        'transfer-encoding': 'chunked',
      },
    })
    const answered = new Promise<{status: number; headers: Record<string, unknown>; bytes: number}>(
      (resolve, reject) => {
        req.on('response', (res) => {
          let bytes = 0
          res.on('data', (chunk: Buffer) => (bytes += chunk.length))
          res.on('end', () => resolve({status: res.statusCode!, headers: res.headers, bytes}))
        })
        req.on('error', reject)
      },
    )
    req.write('{"answers": ')
    await new Promise((resolve) => setTimeout(resolve, 500))
    daemon.child.kill('SIGTERM')
    await new Promise((resolve) => setTimeout(resolve, 300))
    // Stopped accepting: a new connection is refused while the old request is still open.
    await expect(fetch(`${daemon.url}/health`)).rejects.toThrow()
    req.end('{"project_name": "billing"}}')
    const res = await answered
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/gzip')
    expect(res.headers.connection).toBe('close')
    expect(res.bytes).toBeGreaterThan(0)
    expect(await exited(daemon.child)).toBe(0)
    // The database was closed cleanly: SQLite removes its WAL when the last connection closes.
    expect(existsSync(join(env.MAESTRO_HOME!, 'index.db-wal'))).toBe(false)
  })
})
