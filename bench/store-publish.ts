/**
 * Publishing cost as a namespace grows: publishes `templates` templates one by one into a
 * fresh store (spread over the 15 catalog categories, each a realistic small folder)
 * and times every commit. A flat series means publishing does not slow with the store.
 *
 * Run it after compiling (the project has no TypeScript runner outside vitest):
 *
 * ```sh
 * out=/tmp/maestro-bench
 * npx tsc --ignoreConfig --outDir $out --rootDir . --module nodenext --moduleResolution nodenext \
 *   --target es2023 --strict --skipLibCheck --types node bench/store-publish.ts
 * ln -sfn "$PWD/node_modules" $out/node_modules && echo '{"type":"module"}' > $out/package.json
 * node $out/bench/store-publish.js 600 12   # templates, files per template besides manifest and README
 * ```
 *
 * Each template is a manifest, a README and `files` more files in examples/ and four
 * folders under files/src/: 14 blobs and 9 trees per publish by default, one loose
 * object file each. On a disk where creating a file is slow, that count sets the floor.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {CATEGORIES} from '../src/domain/manifest.js'
import type {TemplateFiles} from '../src/domain/types.js'
import {GitStore} from '../src/store/git-store.js'

export interface PublishBenchResult {
  templates: number
  /** Milliseconds of each publish, in order (wall clock, lock included). */
  perPublishMs: number[]
  median: number
  p95: number
  /** Median CPU time (user + system) of a publish: less sensitive than wall time to a busy machine. */
  cpuMedian: number
  /** Median of the last 100 publishes: what a publish costs once the store is large. */
  medianLast100: number
  /** Median of 20 updates of existing templates once all are published. */
  updateMs: number
  /** Median readTemplate at the head through a fresh handle (nothing memoised). */
  readMs: number
}

export interface PublishBenchOptions {
  templates: number
  /** Store root; a temporary folder (removed afterwards) when absent. */
  root?: string
  /** Files per template besides manifest and README (default 12). */
  files?: number
}

/**
 * Publishes `templates` templates and returns the time of each publish.
 *
 * @example
 * ```ts
 * const {median, p95} = await benchStorePublish({templates: 600})
 * console.log(`median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`)
 * ```
 */
export async function benchStorePublish(options: PublishBenchOptions): Promise<PublishBenchResult> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'maestro-bench-store-'))
  try {
    const repo = new GitStore(root).repo('bench')
    await repo.init()
    const perPublishMs: number[] = []
    const cpuMs: number[] = []
    for (let i = 0; i < options.templates; i++) {
      const name = `template-${i}`
      const category = CATEGORIES[i % CATEGORIES.length] as string
      const files = templateFiles(name, '1.0.0', options.files ?? 12)
      const cpu = process.cpuUsage()
      const started = performance.now()
      await repo.withLock(() =>
        repo.commit({operation: 'create', name, version: '1.0.0', path: `${category}/${name}`, files}),
      )
      perPublishMs.push(performance.now() - started)
      const used = process.cpuUsage(cpu)
      cpuMs.push((used.user + used.system) / 1000)
    }
    const updates: number[] = []
    for (let i = 0; i < 20; i++) {
      const name = `template-${i}`
      const category = CATEGORIES[i % CATEGORIES.length] as string
      const files = templateFiles(name, '1.0.1', options.files ?? 12)
      const started = performance.now()
      await repo.withLock(() =>
        repo.commit({operation: 'update', name, version: '1.0.1', path: `${category}/${name}`, files}),
      )
      updates.push(performance.now() - started)
    }
    const reads: number[] = []
    const fresh = new GitStore(root).repo('bench')
    const head = (await fresh.head()) as string
    for (let i = 0; i < 50; i++) {
      const n = Math.floor((i * options.templates) / 50)
      const started = performance.now()
      await fresh.readTemplate(head, `${CATEGORIES[n % CATEGORIES.length]}/template-${n}`)
      reads.push(performance.now() - started)
    }
    return {
      templates: options.templates,
      perPublishMs,
      median: quantile(perPublishMs, 0.5),
      p95: quantile(perPublishMs, 0.95),
      cpuMedian: quantile(cpuMs, 0.5),
      medianLast100: quantile(perPublishMs.slice(-100), 0.5),
      updateMs: quantile(updates, 0.5),
      readMs: quantile(reads, 0.5),
    }
  } finally {
    if (options.root === undefined) rmSync(root, {recursive: true, force: true})
  }
}

function templateFiles(name: string, version: string, count: number): TemplateFiles {
  const encoder = new TextEncoder()
  const files: TemplateFiles = new Map([
    [
      'manifest.yaml',
      encoder.encode(`name: ${name}\nversion: ${version}\ndescription: bench template ${name}\n`),
    ],
    [
      'README.md',
      encoder.encode(`# ${name}\n\n## Usage\n\nmaestro-tpl instantiate ${name} ./out\n`.repeat(8)),
    ],
  ])
  for (let i = 0; i < count; i++) {
    const folder = i % 3 === 0 ? 'examples' : `files/src/module_${i % 4}`
    files.set(`${folder}/file_${i}.txt`, encoder.encode(`// ${name}@${version} file ${i}\n`.repeat(40)))
  }
  return files
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const templates = Number(process.argv[2] ?? 600)
  const files = Number(process.argv[3] ?? 12)
  const result = await benchStorePublish({templates, files})
  const at = (from: number, to: number) => quantile(result.perPublishMs.slice(from, to), 0.5).toFixed(2)
  console.log(`store publish, ${templates} templates of ${files + 2} files`)
  console.log(
    `  median ${result.median.toFixed(2)} ms, p95 ${result.p95.toFixed(2)} ms, CPU median ${result.cpuMedian.toFixed(2)} ms`,
  )
  for (let from = 0; from < templates; from += 100) {
    console.log(
      `  templates ${from}-${Math.min(templates, from + 100) - 1}: median ${at(from, from + 100)} ms`,
    )
  }
  console.log(`  update at ${templates} templates: median ${result.updateMs.toFixed(2)} ms`)
  console.log(`  readTemplate at ${templates} templates, cold: median ${result.readMs.toFixed(2)} ms`)
}
