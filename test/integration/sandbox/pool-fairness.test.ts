/**
 * The render pool shares its workers between tenants (issue 22.6): one tenant's flood of
 * heavy renders must not make another tenant's small render wait more than about one
 * render time limit, and no job waits longer than the queue's bound. Runs the real
 * worker from the build, as pool.test.ts does.
 */
import {describe, expect, it, onTestFinished} from 'vitest'

import {RenderLimitError, ServerBusyError} from '../../../src/domain/errors.js'
import {parseTemplate} from '../../../src/domain/template.js'
import {scaffoldTemplate} from '../../../src/domain/scaffold.js'
import type {LoadedTemplate} from '../../../src/domain/types.js'
import {RenderPool} from '../../../src/sandbox/pool.js'
import type {RenderPoolOptions} from '../../../src/sandbox/pool.js'

const META = {template: 'demo', version: '0.1.0', commit: '0'.repeat(40)}
const TIME_LIMIT_MS = 2000
/** Two nested loops of 10^10 iterations: runs until the time limit stops it. */
const ENDLESS = '{% for i in (1..100000) %}{% for j in (1..100000) %}{% endfor %}{% endfor %}'

function pool(options: RenderPoolOptions): RenderPool {
  const created = new RenderPool({workers: 2, timeoutMs: TIME_LIMIT_MS, ...options})
  onTestFinished(() => created.close())
  return created
}

function template(extra: Record<string, string> = {}): LoadedTemplate {
  const files = scaffoldTemplate({name: 'demo', category: 'backend_developer'})
  for (const [path, content] of Object.entries(extra)) files.set(path, new TextEncoder().encode(content))
  return parseTemplate(files)
}

const job = (t: LoadedTemplate, tenant: string) => ({
  template: t,
  answers: {},
  useDefaults: true,
  meta: META,
  tenant,
})

/** Resolves once every worker has started, so start-up time is not counted as waiting. */
async function warm(workers: RenderPool): Promise<void> {
  const small = template()
  await Promise.all([workers.instantiate(job(small, 'warm')), workers.instantiate(job(small, 'warm'))])
}

describe('RenderPool between tenants', () => {
  it("serves another tenant's small render within about one time limit while one tenant floods heavy ones", async () => {
    const workers = pool({})
    await warm(workers)
    const heavy = template({'files/heavy.txt': ENDLESS})
    const flood = Array.from({length: 8}, () =>
      workers.instantiate(job(heavy, 'flooder')).then(
        () => 'rendered',
        (err: unknown) => (err instanceof RenderLimitError ? 'stopped' : String(err)),
      ),
    )
    const started = performance.now()
    const small = await workers.instantiate(job(template(), 'quiet'))
    const waited = performance.now() - started
    expect(small.files.size).toBeGreaterThan(0)
    // First come, first served would make it wait for four rounds of the flood (8 s);
    // the margin over one limit is a stopped worker's replacement starting on a busy machine.
    expect(waited).toBeLessThan(2.5 * TIME_LIMIT_MS)
    expect(await Promise.all(flood)).toEqual(Array(8).fill('stopped'))
  }, 30_000)

  it('caps the workers one tenant holds with tenantWorkers', async () => {
    const workers = pool({tenantWorkers: 1, timeoutMs: 3000})
    await warm(workers)
    const heavy = template({'files/heavy.txt': ENDLESS})
    const flood = [1, 2].map(() => workers.instantiate(job(heavy, 'flooder')).catch(() => 'stopped'))
    const started = performance.now()
    await workers.instantiate(job(template(), 'quiet'))
    // A worker was kept free of the flood: the small render did not wait for any heavy one.
    expect(performance.now() - started).toBeLessThan(2500)
    expect(workers.stats.busy).toBe(1)
    await Promise.all(flood)
  }, 30_000)

  it('fails a job that waited longer than maxWaitMs with SERVER_BUSY', async () => {
    const workers = pool({workers: 1, timeoutMs: 10_000, maxWaitMs: 1000})
    // Until the worker is up (it may take longer than maxWaitMs on a busy machine).
    for (let attempt = 0; attempt < 20; attempt++) {
      if (
        await workers.instantiate(job(template(), 'warm')).then(
          () => true,
          () => false,
        )
      )
        break
    }
    const heavy = workers
      .instantiate(job(template({'files/heavy.txt': ENDLESS}), 'flooder'))
      .catch((e: unknown) => e)
    const started = performance.now()
    const waiting = await workers.instantiate(job(template(), 'quiet')).catch((e: unknown) => e)
    expect(waiting).toBeInstanceOf(ServerBusyError)
    expect((waiting as ServerBusyError).status).toBe(503)
    const waited = performance.now() - started
    expect(waited).toBeGreaterThanOrEqual(950)
    expect(waited).toBeLessThan(5000)
    expect(workers.stats.queued).toBe(0)
    await workers.close()
    await heavy
  }, 60_000)

  it("waits on with a publish's patient scoring while the queue moves, past maxWaitMs", async () => {
    // A job that finishes (no worker stopped and replaced), timed here first: the bound is
    // set from it, so the machine's load scales both alike.
    const slow = template({'files/slow.txt': '{% for i in (1..400000) %}{% endfor %}'})
    const probe = pool({workers: 1, timeoutMs: 60_000})
    await probe.score({template: slow})
    const started = performance.now()
    await probe.score({template: slow})
    const each = performance.now() - started
    await probe.close()

    const maxWaitMs = Math.max(500, Math.round(each * 4))
    const workers = pool({workers: 1, timeoutMs: 60_000, maxWaitMs})
    await workers.score({template: template()})
    // Eight patient slow scorings ahead (8 × each, twice maxWaitMs), one finishing every
    // `each` (a quarter of it): a margin of two both ways on a machine whose load changes.
    const ahead = Array.from({length: 8}, () => workers.score({template: slow, tenant: 't', patient: true}))
    const patient = workers.score({template: template(), tenant: 't', patient: true}).catch((e: unknown) => e)
    const impatient = workers.score({template: template(), tenant: 't'}).catch((e: unknown) => e)
    await Promise.all(ahead)
    expect(await impatient).toBeInstanceOf(ServerBusyError)
    const report = await patient
    expect(report).not.toBeInstanceOf(Error)
    expect((report as {score: number}).score).toBeGreaterThan(0)
  }, 120_000)
})
