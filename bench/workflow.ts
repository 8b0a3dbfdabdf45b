/**
 * A 5-template workflow (fastapi-service, github-actions-ci, threat-model,
 * adr-repository, api-contract-tests, each into its own folder) run three ways, against
 * the baseline of the same five renders done one by one with the CLI
 * (`maestro-tpl instantiate`, five processes), all on one store holding the real catalog:
 *
 * - in-process: the workflow runtime in this process (what `workflow run` does, less the
 *   process start), result written to a folder;
 * - CLI: `maestro-tpl workflow run` (one process);
 * - daemon: `POST /workflows/{id}/execute`, followed to the end, result fetched as .tar.gz.
 *
 * Medians of `--runs` runs (default 5); ratios are against the baseline of the same run.
 *
 * @example
 * ```sh
 * npm run build && node dist/bench/workflow.js --runs 5
 * ```
 */
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {loadConfig} from '../src/config.js'
import {openLocalRegistry} from '../src/registry/local-registry.js'
import {writeResult} from '../src/cli/workflows.js'
import {parseWorkflowFiles} from '../src/workflows/package.js'
import {WorkflowRuntime} from '../src/workflows/runtime.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin', 'run.js')
const LOCAL = {tenant: 'local', user: 'local', role: 'admin'} as const
const utf8 = new TextEncoder()

const STEPS: [string, string, Record<string, string>][] = [
  ['fastapi-service', 'service', {project_name: 'bench-api'}],
  ['github-actions-ci', 'ci', {project_name: 'bench-api', language: 'python'}],
  ['threat-model', 'threat-model', {system_name: 'bench-api'}],
  ['adr-repository', 'adr', {project_name: 'bench-api', adoption_date: '2026-01-01'}],
  ['api-contract-tests', 'contract-tests', {suite_name: 'bench-contract-tests'}],
]

const WORKFLOW = `name: bench-five
version: 1.0.0
description: Five catalog templates into five folders, for bench/workflow.ts.
author: bench
license: MIT
tags: [bench, five, templates]
steps:
${STEPS.map(
  ([template, path, answers], i) => `  - id: t${i}
    uses: template
    with:
      template: ${template}
      path: ${path}
      answers: ${JSON.stringify(answers)}
`,
).join('')}`

const README = `# bench-five\n\n${'Five catalog templates rendered into five folders of one project, for the workflow benchmark. '.repeat(12)}\n\n## Parameters\n\nNone.\n\n## Usage\n\n\`\`\`sh\nmaestro-tpl workflow run bench-five ./out\n\`\`\`\n\n\`\`\`text\nservice/ ci/ threat-model/ adr/ contract-tests/\n\`\`\`\n`

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function cli(home: string, args: string[]): void {
  const run = spawnSync(process.execPath, [BIN, ...args, '--store', home], {
    env: {...process.env, NO_COLOR: '1', CI: '1'},
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`maestro-tpl ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`)
}

export interface WorkflowBench {
  runs: number
  baselineMs: number
  rows: {what: string; ms: number; ratio: number}[]
}

export async function benchWorkflow(opts: {runs?: number; port?: number} = {}): Promise<WorkflowBench> {
  const runs = opts.runs ?? 5
  const work = mkdtempSync(join(tmpdir(), 'maestro-bench-workflow-'))
  const home = join(work, 'store')
  try {
    const config = loadConfig({
      MAESTRO_HOME: home,
      TEMPLATES_STORAGE_PATH: join(ROOT, 'templates_storage'),
      ENABLE_RBAC: 'false',
    })
    const registry = await openLocalRegistry({config, context: {...LOCAL}})
    const runtime = new WorkflowRuntime({
      db: registry.shared.db,
      registry,
      host: registry.shared.host,
      config,
    })
    await runtime.publish(
      {...LOCAL},
      parseWorkflowFiles(
        new Map([
          ['workflow.yaml', utf8.encode(WORKFLOW)],
          ['README.md', utf8.encode(README)],
          ['examples/none.yaml', utf8.encode('{}\n')],
        ]),
      ),
    )
    let n = 0
    const out = () => join(work, `out-${n++}`)

    const inProcess: number[] = []
    for (let i = 0; i < runs; i++) {
      const started = performance.now()
      const {execution} = await runtime.execute({...LOCAL}, 'bench-five')
      const {record, workspace} = await runtime.runNow(execution.id)
      if (record.state !== 'succeeded') throw new Error(JSON.stringify(record.error))
      await writeResult(out(), {files: workspace!.files, git: null})
      inProcess.push(performance.now() - started)
    }
    await registry.close()

    const baseline: number[] = []
    const viaCli: number[] = []
    for (let i = 0; i < runs; i++) {
      let started = performance.now()
      const dest = out()
      for (const [template, path, answers] of STEPS)
        cli(home, [
          'instantiate',
          template,
          join(dest, path),
          ...Object.entries(answers).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
          '--defaults',
        ])
      baseline.push(performance.now() - started)
      started = performance.now()
      cli(home, ['workflow', 'run', 'bench-five', out(), '--defaults', '--json'])
      viaCli.push(performance.now() - started)
    }

    const port = opts.port ?? 18310
    const daemon = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], {
      env: {...process.env, MAESTRO_HOME: home, ENABLE_RBAC: 'false', LOG_LEVEL: 'warn'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const viaDaemon: number[] = []
    try {
      const url = `http://127.0.0.1:${port}`
      for (let i = 0; i < 300; i++) {
        const up = await fetch(`${url}/health`).then(
          (r) => r.ok,
          () => false,
        )
        if (up) break
        await new Promise((r) => setTimeout(r, 100))
      }
      for (let i = 0; i < runs; i++) {
        const started = performance.now()
        const queued = (await (
          await fetch(`${url}/api/v1/workflows/bench-five/execute`, {method: 'POST'})
        ).json()) as {id: string}
        for (;;) {
          const state = (
            (await (await fetch(`${url}/api/v1/executions/${queued.id}`)).json()) as {state: string}
          ).state
          if (state === 'succeeded') break
          if (state !== 'queued' && state !== 'running') throw new Error(`daemon execution ${state}`)
          await new Promise((r) => setTimeout(r, 10))
        }
        const archive = await fetch(`${url}/api/v1/executions/${queued.id}/result`)
        if (!archive.ok) throw new Error(`result answered ${archive.status}`)
        await archive.arrayBuffer()
        viaDaemon.push(performance.now() - started)
      }
    } finally {
      daemon.kill('SIGTERM')
    }
    const baselineMs = median(baseline)
    const row = (what: string, values: number[]) => ({
      what,
      ms: median(values),
      ratio: median(values) / baselineMs,
    })
    return {
      runs,
      baselineMs,
      rows: [
        row('5 × `maestro-tpl instantiate` (baseline)', baseline),
        row('workflow in-process (runtime + write)', inProcess),
        row('`maestro-tpl workflow run` (one process)', viaCli),
        row('daemon: execute → succeeded → result .tar.gz', viaDaemon),
      ],
    }
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--runs')
  const result = await benchWorkflow({runs: at > 0 ? Number(process.argv[at + 1]) : 5})
  console.log(`| what | median ms | × baseline |\n| --- | ---: | ---: |`)
  for (const r of result.rows) console.log(`| ${r.what} | ${r.ms.toFixed(0)} | ${r.ratio.toFixed(2)} |`)
}
