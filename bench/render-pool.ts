/**
 * What rendering in the daemon's worker pool costs against rendering in this thread, for
 * a typical catalog template (`fastapi-service`): instantiate (answers + render), quality
 * scoring (which renders with the defaults and every example), and packing a .tar.gz.
 * Each pair is measured in the same run, in alternating blocks, on a warm pool of one worker; the
 * ratio pool / in-process is the figure bench/README.md tracks.
 *
 * Also: several jobs submitted at once to two workers against the same jobs one after
 * another in this thread (the event loop stays free while the pool works).
 *
 * @example
 * ```sh
 * npm run build && node dist/bench/render-pool.js --runs 40
 * ```
 */
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {loadTemplateDir} from '../src/domain/template.js'
import {IN_PROCESS} from '../src/sandbox/host.js'
import type {RenderHost} from '../src/sandbox/host.js'
import {RenderPool} from '../src/sandbox/pool.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const META = {template: 'fastapi-service', version: '1.0.0', commit: '0'.repeat(40)}

export interface PairResult {
  what: string
  inProcessMs: number
  poolMs: number
  /** pool / in-process, medians. */
  ratio: number
}

export interface RenderPoolBench {
  template: string
  pairs: PairResult[]
  /** `jobs` instantiations: all at once on two workers vs one after another in this thread. */
  concurrent: {jobs: number; inProcessMs: number; poolMs: number}
}

const median = (samples: number[]): number => [...samples].sort((a, b) => a - b)[samples.length >> 1]!

async function time(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await run()
  return performance.now() - started
}

/**
 * Runs the comparison; `runs` measurements of each job on each side.
 *
 * @example
 * ```ts
 * const {pairs} = await benchRenderPool({runs: 20})
 * pairs[0].ratio // e.g. 1.3
 * ```
 */
export async function benchRenderPool(opts: {runs?: number} = {}): Promise<RenderPoolBench> {
  const runs = opts.runs ?? 30
  const template = await loadTemplateDir(
    join(ROOT, 'templates_storage', 'backend_developer', 'fastapi-service'),
  )
  const answers = {project_name: 'billing'}
  const rendered = (await IN_PROCESS.instantiate({template, answers, useDefaults: true, meta: META})).files
  const jobs: {what: string; run: (host: RenderHost) => Promise<unknown>}[] = [
    {
      what: 'instantiate (answers + render)',
      run: (host) => host.instantiate({template, answers, useDefaults: true, meta: META}),
    },
    {
      what: 'quality score (renders defaults + examples)',
      run: (host) => host.score({template, minScore: 70}),
    },
    {
      what: 'pack .tar.gz of the rendered project',
      run: (host) => host.pack({files: rendered, format: 'tar.gz', root: 'billing'}),
    },
  ]

  const single = new RenderPool({workers: 1})
  const pair = new RenderPool({workers: 2})
  try {
    const pairs: PairResult[] = []
    for (const job of jobs) {
      // Warm both sides (module loading, and the JIT of each thread: a worker is a V8 isolate of its own).
      for (let i = 0; i < 30; i++) {
        await job.run(IN_PROCESS)
        await job.run(single)
      }
      const inProcess: number[] = []
      const pool: number[] = []
      // Blocks of ten, alternating: drift in the machine's load hits both sides, and a
      // worker woken for each single job would mostly measure the scheduler.
      for (let i = 0; i < runs; i += 10) {
        for (let j = 0; j < 10; j++) inProcess.push(await time(() => job.run(IN_PROCESS)))
        for (let j = 0; j < 10; j++) pool.push(await time(() => job.run(single)))
      }
      const inProcessMs = median(inProcess)
      const poolMs = median(pool)
      pairs.push({what: job.what, inProcessMs, poolMs, ratio: poolMs / inProcessMs})
    }

    const count = 8
    const instantiate = jobs[0]!.run
    for (let i = 0; i < 30; i++) await Promise.all([instantiate(pair), instantiate(pair)])
    const sequential: number[] = []
    const concurrent: number[] = []
    for (let i = 0; i < Math.max(3, Math.floor(runs / 5)); i++) {
      sequential.push(
        await time(async () => {
          for (let j = 0; j < count; j++) await instantiate(IN_PROCESS)
        }),
      )
      concurrent.push(await time(() => Promise.all(Array.from({length: count}, () => instantiate(pair)))))
    }
    return {
      template: 'backend_developer/fastapi-service',
      pairs,
      concurrent: {jobs: count, inProcessMs: median(sequential), poolMs: median(concurrent)},
    }
  } finally {
    await Promise.all([single.close(), pair.close()])
  }
}

/** The result as the lines bench/run.ts prints. */
export function renderPoolLines(result: RenderPoolBench): string[] {
  const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`
  return [
    `template: ${result.template}; pool of one warm worker vs this thread (medians)`,
    ...result.pairs.map(
      (p) =>
        `  ${p.what.padEnd(46)} in-process ${ms(p.inProcessMs).padStart(9)}  pool ${ms(p.poolMs).padStart(9)}  ratio ${p.ratio.toFixed(2)}x`,
    ),
    `  ${result.concurrent.jobs} instantiations: one after another in-process ${ms(result.concurrent.inProcessMs)}, all at once on 2 workers ${ms(result.concurrent.poolMs)}`,
  ]
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--runs')
  const result = await benchRenderPool(at > 0 ? {runs: Number(process.argv[at + 1])} : {})
  for (const line of renderPoolLines(result)) console.log(line)
}
