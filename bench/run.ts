/**
 * One command for the local-registry benchmarks (`npm run bench`): builds synthetic
 * stores and reports, in one run, every figure bench/README.md tracks, each against a
 * baseline measured in the same run:
 *
 * - CLI cold start (`--version`, and `search` on a 483-template store) vs bare `node -e 0`,
 *   with NODE_EXTRA_CA_CERTS as the environment sets it and unset;
 * - publish time per template as a store grows to 483 (full registry publish: validate,
 *   score, commit, index) and the git commit alone;
 * - search median/p99 in-process at 483 and 10,000 templates;
 * - instantiate of a 200-file template (in-process and through the CLI) vs `cp -r`;
 * - the registry cache, hit against miss, in memory and in Redis (`--redis URL`).
 * - rendering, scoring and packing through the daemon's worker pool vs in this thread.
 *
 * Flags: `--quick` (smaller runs), `--http` (also the daemon's HTTP benchmark),
 * `--search-templates N` (default 10000), `--postgres URL` (also search on PostgreSQL;
 * env `MAESTRO_BENCH_POSTGRES_URL`).
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {loadConfig} from '../src/config.js'
import {parseTemplate} from '../src/domain/template.js'
import type {LoadedTemplate, TemplateFiles} from '../src/domain/types.js'
import {openLocalRegistry} from '../src/registry/local-registry.js'
import {writeProject} from '../src/render/write.js'
import {benchSearch} from './search.js'
import {benchStorePublish} from './store-publish.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin', 'run.js')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const searchTemplates = Number(args[args.indexOf('--search-templates') + 1]) || (quick ? 2000 : 10_000)
const postgresUrl =
  (args.includes('--postgres') ? args[args.indexOf('--postgres') + 1] : undefined) ??
  process.env.MAESTRO_BENCH_POSTGRES_URL
const encoder = new TextEncoder()

export function stats(samples: number[]): {median: number; p99: number; min: number} {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return {median: at(0.5), p99: at(0.99), min: sorted[0]!}
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`

function timeProcess(cmd: string, argv: string[], env: NodeJS.ProcessEnv, runs: number): number[] {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const result = spawnSync(cmd, argv, {env, stdio: ['ignore', 'ignore', 'pipe']})
    samples.push(performance.now() - started)
    if (result.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${result.stderr.toString()}`)
  }
  return samples
}

/** A realistic small template: manifest, README, examples and `extra` rendered files. */
export function syntheticTemplate(
  name: string,
  category: string,
  version: string,
  extra: number,
): LoadedTemplate {
  const files: TemplateFiles = new Map()
  files.set(
    'manifest.yaml',
    encoder.encode(
      `name: ${name}\nversion: ${version}\ndescription: Synthetic ${category} template number ${name} for benchmarks of the registry\n` +
        `category: ${category}\nauthor: Bench\nlicense: MIT\ntags: [bench, synthetic, ${category.replace(/_/g, '-')}]\n` +
        `parameters:\n  - {name: project_name, type: string, default: demo, description: Project name}\n` +
        `  - {name: port, type: integer, default: 8080, min: 1, max: 65535, description: Port}\n`,
    ),
  )
  files.set(
    'README.md',
    encoder.encode(
      `# ${name}\n\n${'A synthetic template used to measure how publishing, searching and rendering scale. '.repeat(12)}\n\n` +
        `## Usage\n\n\`\`\`sh\nmaestro-tpl instantiate ${name} ./out --set project_name=demo\n\`\`\`\n\n` +
        `## Parameters\n\n| name | meaning |\n| --- | --- |\n| project_name | Project name |\n| port | Port |\n`,
    ),
  )
  files.set('examples/basic.yaml', encoder.encode('project_name: sample\nport: 9000\n'))
  files.set('examples/README.md', encoder.encode('# Examples\n\n`basic.yaml` sets both parameters.\n'))
  for (let i = 0; i < extra; i++) {
    const dir = `files/src/{{ project_name }}/module${i % 10}`
    files.set(
      `${dir}/file${i}.ts`,
      encoder.encode(
        `// {{ project_name }} module ${i}\nexport const port = {{ port }}\nexport const name = '{{ project_name | upcase }}'\n` +
          `${'export function f() { return 1 }\n'.repeat(20)}`,
      ),
    )
  }
  return parseTemplate(files, name)
}

async function coldStart(store: string) {
  const runs = quick ? 5 : 15
  const report: Record<string, Record<string, {median: number; p99: number}>> = {}
  const withCerts = {...process.env, MAESTRO_HOME: store, CI: 'true'}
  const noCerts: NodeJS.ProcessEnv = {...withCerts}
  delete noCerts.NODE_EXTRA_CA_CERTS
  for (const [label, env] of [
    ['NODE_EXTRA_CA_CERTS as set', withCerts],
    ['NODE_EXTRA_CA_CERTS unset', noCerts],
  ] as const) {
    // Warm the file cache once so every series measures the same thing.
    timeProcess(process.execPath, [BIN, '--version'], env, 1)
    report[label] = {
      'node -e 0': stats(timeProcess(process.execPath, ['-e', '0'], env, runs)),
      'maestro-tpl --version': stats(timeProcess(process.execPath, [BIN, '--version'], env, runs)),
      'maestro-tpl search api (483 templates)': stats(
        timeProcess(process.execPath, [BIN, 'search', 'api', '--json'], env, runs),
      ),
    }
  }
  return report
}

async function publishGrowth(home: string, count: number) {
  const config = loadConfig({MAESTRO_HOME: home, TEMPLATES_STORAGE_PATH: join(home, 'no-catalog')})
  const registry = await openLocalRegistry({config, context: {tenant: 'local', user: 'bench', role: 'admin'}})
  const categories = [
    'backend_developer',
    'frontend_developer',
    'devops_engineer',
    'qa_engineer',
    'ai_ml_engineer',
  ]
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const template = syntheticTemplate(`bench-${i}`, categories[i % categories.length]!, '1.0.0', 8)
    const started = performance.now()
    await registry.publish({template})
    samples.push(performance.now() - started)
  }
  await registry.close()
  const blocks: number[] = []
  for (let i = 0; i < samples.length; i += 100) blocks.push(stats(samples.slice(i, i + 100)).median)
  return {all: stats(samples), lastHundred: stats(samples.slice(-100)), blocks}
}

async function instantiateVsCopy(work: string) {
  const home = join(work, 'instantiate-store')
  const config = loadConfig({MAESTRO_HOME: home, TEMPLATES_STORAGE_PATH: join(work, 'no-catalog')})
  const registry = await openLocalRegistry({config, context: {tenant: 'local', user: 'bench', role: 'admin'}})
  const template = syntheticTemplate('two-hundred-files', 'backend_developer', '1.0.0', 200)
  await registry.publish({template})
  // The same tree on disk, for cp -r.
  const tree = join(work, 'tree')
  for (const [path, content] of template.files) {
    if (!path.startsWith('files/')) continue
    const out = join(tree, path.slice('files/'.length).replace('{{ project_name }}', 'demo'))
    mkdirSync(dirname(out), {recursive: true})
    writeFileSync(out, content)
  }
  const runs = quick ? 5 : 15
  const inProcess: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    const project = await registry.instantiate('two-hundred-files', {answers: {project_name: 'demo'}})
    await writeProject(join(work, `in-process-${i}`), project.files)
    inProcess.push(performance.now() - started)
  }
  await registry.close()
  const env = {...process.env, MAESTRO_HOME: home, CI: 'true'}
  const cli: number[] = []
  const copy: number[] = []
  for (let i = 0; i < runs; i++) {
    cli.push(
      ...timeProcess(
        process.execPath,
        [BIN, 'instantiate', 'two-hundred-files', join(work, `cli-${i}`), '--defaults'],
        env,
        1,
      ),
    )
    copy.push(...timeProcess('cp', ['-r', tree, join(work, `cp-${i}`)], env, 1))
  }
  return {inProcess: stats(inProcess), cli: stats(cli), cp: stats(copy)}
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'maestro-bench-'))
  const lines: string[] = []
  const say = (line = '') => {
    lines.push(line)
    console.log(line)
  }
  try {
    say(
      `# maestro-tpl benchmarks (${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${quick ? 'quick' : 'full'})`,
    )
    say()
    const storeSize = quick ? 200 : 483
    const growthHome = join(work, 'growth-store')
    const growth = await publishGrowth(growthHome, storeSize)
    say(`## Publish through the registry (validate, score, commit, index) as a store grows to ${storeSize}`)
    say(
      `median ${ms(growth.all.median)}, p99 ${ms(growth.all.p99)}; last 100: median ${ms(growth.lastHundred.median)}`,
    )
    say(`median per block of 100: ${growth.blocks.map(ms).join(' → ')}`)
    const gitOnly = await benchStorePublish({templates: storeSize, files: 8})
    say(`git commit alone (blobs, trees, commit, ref): median ${ms(gitOnly.median)}, p95 ${ms(gitOnly.p95)}`)
    say()

    say('## CLI cold start (median / p99 of spawned processes)')
    const cold = await coldStart(growthHome)
    for (const [label, rows] of Object.entries(cold)) {
      say(`${label}:`)
      const base = rows['node -e 0']!.median
      for (const [what, s] of Object.entries(rows)) {
        say(
          `  ${what.padEnd(42)} ${ms(s.median).padStart(9)} / ${ms(s.p99).padStart(9)}   (+${ms(s.median - base)} over node)`,
        )
      }
    }
    say()

    say('## Search in-process (TemplateIndex.search over a mix of queries)')
    const targets = [
      ...[483, searchTemplates].map((templates) => ({templates, dialect: 'SQLite', postgresUrl: undefined})),
      ...(postgresUrl ? [{templates: searchTemplates, dialect: 'PostgreSQL', postgresUrl}] : []),
    ]
    for (const {templates, dialect, postgresUrl} of targets) {
      const result = await benchSearch({
        templates,
        dbPath: join(work, `search-${templates}.db`),
        ...(postgresUrl ? {postgresUrl} : {}),
      })
      say(
        `${dialect.padEnd(10)} ${String(templates).padStart(6)} templates: median ${ms(result.median)}, p99 ${ms(result.p99)}, max ${ms(result.max)} (built in ${(result.buildMs / 1000).toFixed(1)} s)`,
      )
      for (const q of result.queries) {
        say(
          `    ${q.name.padEnd(28)} ${String(q.total).padStart(6)} hits  median ${ms(q.median)}  p99 ${ms(q.p99)}`,
        )
      }
    }
    say()

    say('## Instantiate a 200-file template vs cp -r of the same tree')
    const inst = await instantiateVsCopy(work)
    say(`in-process render + write: median ${ms(inst.inProcess.median)}`)
    say(`CLI instantiate (new process): median ${ms(inst.cli.median)}`)
    say(`cp -r (new process):          median ${ms(inst.cp.median)}`)
    say(`ratio CLI / cp -r: ${(inst.cli.median / inst.cp.median).toFixed(1)}x`)

    say('## Registry cache: hit against miss (get by name, search)')
    {
      const {benchCache, formatCacheFigures} = await import('./cache.js')
      const at = args.indexOf('--redis')
      const redisUrl = at >= 0 ? args[at + 1] : process.env.REDIS_URL
      for (const line of formatCacheFigures(await benchCache({runs: quick ? 100 : 300, redisUrl}))) say(line)
      if (!redisUrl) say('(Redis: skipped; pass --redis redis://host:port or set REDIS_URL)')
    }
    say()
    say()
    say('## Rendering in the daemon: worker pool vs this thread (bench/render-pool.ts)')
    const {benchRenderPool, renderPoolLines} = await import('./render-pool.js')
    for (const line of renderPoolLines(await benchRenderPool({runs: quick ? 10 : 30}))) say(line)

    if (args.includes('--http')) {
      const {benchHttp} = await import('./http.js')
      say()
      say('## HTTP (autocannon, 50 connections, loopback)')
      const http = await benchHttp({})
      for (const t of http.targets) {
        say(
          `${t.name.padEnd(34)} ${String(Math.round(t.rps)).padStart(7)} req/s  p50 ${t.p50} ms  p99 ${t.p99} ms`,
        )
      }
      say(`GET by name / express hello-world: ${(http.getByNameVsExpress * 100).toFixed(0)}% (target >= 85%)`)
      say(`express / node:http: ${(http.expressVsBare * 100).toFixed(1)}%`)
    }
    mkdirSync(join(ROOT, 'bench', '.work'), {recursive: true})
    writeFileSync(join(ROOT, 'bench', '.work', 'results.md'), `${lines.join('\n')}\n`)
    console.log(
      `\n(written to bench/.work/results.md; git ${execFileSync('git', ['--version']).toString().trim()})`,
    )
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
