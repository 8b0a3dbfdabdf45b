/**
 * The render pool with its real worker (dist/src/sandbox/worker.js: Node 20 cannot start a
 * worker thread from TypeScript, so these tests run against the build, which `npm test`
 * makes before running vitest).
 */
import {join} from 'node:path'

import {describe, expect, it, onTestFinished} from 'vitest'

import {
  InvalidAnswersError,
  RenderError,
  RenderLimitError,
  ServerBusyError,
  UnsafePathError,
} from '../../../src/domain/errors.js'
import {loadTemplateDir, parseTemplate} from '../../../src/domain/template.js'
import {scaffoldTemplate} from '../../../src/domain/scaffold.js'
import type {LoadedTemplate} from '../../../src/domain/types.js'
import {IN_PROCESS} from '../../../src/sandbox/host.js'
import {RenderPool} from '../../../src/sandbox/pool.js'
import type {RenderPoolOptions} from '../../../src/sandbox/pool.js'
import {unpackTarGz} from '../../../src/archive/archive.js'

const META = {template: 'demo', version: '0.1.0', commit: '0'.repeat(40)}
const encoder = new TextEncoder()

function pool(options: RenderPoolOptions = {}): RenderPool {
  const created = new RenderPool({workers: 1, ...options})
  onTestFinished(() => created.close())
  return created
}

/** The scaffold template with extra files (under files/ unless the path says otherwise). */
function demo(extra: Record<string, string> = {}): LoadedTemplate {
  const files = scaffoldTemplate({name: 'demo', category: 'backend_developer'})
  for (const [path, content] of Object.entries(extra)) files.set(path, encoder.encode(content))
  return parseTemplate(files)
}

/** Two nested loops of 10^10 iterations: only a time limit ends them. */
const ENDLESS = '{% for i in (1..100000) %}{% for j in (1..100000) %}{% endfor %}{% endfor %}'

/** 60 captures of a 1 MiB string each: within LiquidJS's memory limit, past a 32 MiB heap. */
function heapHog(): string {
  let source =
    '{% assign s = "abcdefghijklmnop" %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}'
  for (let i = 0; i < 60; i++) source += `{% capture c${i} %}{{ s | upcase }}{% endcapture %}`
  return source
}

const job = (template: LoadedTemplate, answers = {}) => ({template, answers, useDefaults: true, meta: META})

describe('RenderPool', () => {
  it('renders and scores a catalog template exactly as rendering in this thread does', async () => {
    const template = await loadTemplateDir(
      join(import.meta.dirname, '../../../templates_storage/backend_developer/fastapi-service'),
    )
    const workers = pool()
    const answers = {project_name: 'billing'}
    const remote = await workers.instantiate(job(template, answers))
    const local = await IN_PROCESS.instantiate(job(template, answers))
    expect(remote.answers).toEqual(local.answers)
    expect([...remote.files.keys()].sort()).toEqual([...local.files.keys()].sort())
    for (const [path, bytes] of local.files) expect(remote.files.get(path)).toEqual(bytes)

    const {durationMs: _a, ...scored} = await workers.score({template, minScore: 70})
    const {durationMs: _b, ...expected} = await IN_PROCESS.score({template, minScore: 70})
    expect(scored).toEqual(expected)
  })

  it('packs archives off the calling thread, byte for byte as packing here does', async () => {
    const workers = pool()
    const {files} = await IN_PROCESS.instantiate(job(demo(), {project_name: 'packed'}))
    for (const format of ['tar.gz', 'zip'] as const) {
      const remote = await workers.pack({files, format, root: 'packed'})
      expect(Buffer.from(remote)).toEqual(Buffer.from(await IN_PROCESS.pack({files, format, root: 'packed'})))
    }
    const back = unpackTarGz(await workers.pack({files, format: 'tar.gz', root: ''}), {
      unpackedBytes: 1 << 20,
      entries: 100,
      maxRatio: 1000,
      ratioFloor: 1 << 20,
    })
    expect(back.get('README.md')).toEqual(files.get('README.md'))
  })

  it('passes domain errors back with their class, code and data', async () => {
    const workers = pool()
    const invalid = await workers
      .instantiate(job(demo(), {project_name: 'Not A Name'}))
      .catch((err: unknown) => err)
    expect(invalid).toBeInstanceOf(InvalidAnswersError)
    expect(invalid).toMatchObject({code: 'INVALID_ANSWERS', data: {issues: [{path: '/project_name'}]}})

    const broken = await workers
      .instantiate(job(demo({'files/bad.txt': 'line one\n{{ nope }}'})))
      .catch((err: unknown) => err)
    expect(broken).toBeInstanceOf(RenderError)
    expect(broken).toMatchObject({status: 422, data: {file: 'files/bad.txt', line: 2}})

    const escaping = await workers
      .instantiate(job(demo({'files/{{ ".." }}/x.txt': 'x'})))
      .catch((err: unknown) => err)
    expect(escaping).toBeInstanceOf(UnsafePathError)
  })

  it('stops a job past its time limit, replaces the worker, and keeps serving', async () => {
    const workers = pool({timeoutMs: 1000})
    const started = performance.now()
    const err = await workers.instantiate(job(demo({'files/loop.txt': ENDLESS}))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RenderLimitError)
    expect(err).toMatchObject({
      code: 'RENDER_LIMIT_EXCEEDED',
      status: 422,
      data: {limit: 'time', timeoutMs: 1000},
    })
    // Stopped by the limit, not by LiquidJS's own 10 s render limit.
    expect(performance.now() - started).toBeLessThan(9000)
    expect(workers.stats.recycled).toBe(1)
    const after = await workers.instantiate(job(demo(), {project_name: 'after'}))
    expect(new TextDecoder().decode(after.files.get('README.md'))).toContain('# after')
  })

  it('stops a job that exhausts the worker heap, and keeps serving', async () => {
    const workers = pool({maxHeapMb: 32})
    const err = await workers.instantiate(job(demo({'files/hog.txt': heapHog()}))).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RenderLimitError)
    expect(err).toMatchObject({data: {limit: 'heap', maxHeapMb: 32}})
    expect((await workers.score({template: demo()})).score).toBeGreaterThan(0)
  })

  it('bounds a quality check, which renders the template too', async () => {
    const workers = pool({timeoutMs: 1000})
    const err = await workers.score({template: demo({'files/loop.txt': ENDLESS})}).catch((e: unknown) => e)
    expect(err).toMatchObject({code: 'RENDER_LIMIT_EXCEEDED', data: {limit: 'time'}})
  })

  it('does not block the thread that submits jobs', async () => {
    const workers = pool({timeoutMs: 1500})
    let ticks = 0
    const ticker = setInterval(() => ticks++, 10)
    await workers.instantiate(job(demo({'files/loop.txt': ENDLESS}))).catch(() => undefined)
    clearInterval(ticker)
    // Rendering on this thread would have let the interval fire once or not at all.
    expect(ticks).toBeGreaterThan(20)
  })

  it('refuses a job when every worker is busy and the queue is full', async () => {
    const workers = pool({timeoutMs: 1500, maxQueue: 1})
    await workers.score({template: demo()})
    const slow = demo({'files/loop.txt': ENDLESS})
    const running = workers.instantiate(job(slow)).catch((e: unknown) => e)
    const queued = workers.instantiate(job(demo(), {project_name: 'queued'})).catch((e: unknown) => e)
    const refused = await workers.instantiate(job(demo())).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(ServerBusyError)
    expect(refused).toMatchObject({code: 'SERVER_BUSY', status: 503, data: {retryAfter: 2}})
    expect(await running).toMatchObject({data: {limit: 'time'}})
    const done = await queued
    expect(done).not.toBeInstanceOf(Error)
    expect(workers.stats).toMatchObject({workers: 1, busy: 0, queued: 0})
  })

  it('runs jobs side by side in several workers', async () => {
    const workers = pool({workers: 2, timeoutMs: 1500})
    const slow = workers.instantiate(job(demo({'files/loop.txt': ENDLESS}))).catch((e: unknown) => e)
    // The second worker answers while the first is stuck.
    const quick = await workers.instantiate(job(demo(), {project_name: 'beside'}))
    expect(quick.files.has('README.md')).toBe(true)
    expect(await slow).toBeInstanceOf(RenderLimitError)
  })

  it('applies its output limits to every instantiate job', async () => {
    const workers = pool({limits: {maxFiles: 1}})
    const err = await workers.instantiate(job(demo())).catch((e: unknown) => e)
    expect(err).toMatchObject({code: 'RENDER_LIMIT_EXCEEDED', data: {limit: 'files', maxFiles: 1}})
  })

  it('fails waiting jobs when closed, and refuses new ones', async () => {
    const workers = new RenderPool({workers: 1, timeoutMs: 5000})
    const running = workers.instantiate(job(demo({'files/loop.txt': ENDLESS}))).catch((e: unknown) => e)
    const waiting = workers.instantiate(job(demo())).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await workers.close()
    expect(await running).toBeInstanceOf(ServerBusyError)
    expect(await waiting).toBeInstanceOf(ServerBusyError)
    await expect(workers.score({template: demo()})).rejects.toBeInstanceOf(ServerBusyError)
  })

  it('says how to fix a missing worker module', () => {
    expect(() => new RenderPool({entry: '/nowhere/worker.js'})).toThrow(/npm run build/)
  })
})
