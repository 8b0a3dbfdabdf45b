/**
 * The built CLI applies the daemon's render limits to local work: a template whose
 * render loops, or allocates without end, is stopped after RENDER_TIMEOUT_MS (or at
 * its memory limit) with RENDER_LIMIT_EXCEEDED, when it is published (scored) and when
 * it is instantiated, and the process stays small. Peak memory is read with time(1).
 */
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {BIN} from '../helpers/command.js'
import {emptyCatalog, tempDir, writeTemplate} from '../helpers/temp.js'

/** Two nested loops of 10^10 iterations: nothing but a time limit ends them. */
const ENDLESS = '{% for i in (1..100000) %}{% for j in (1..100000) %}{% endfor %}{% endfor %}'
/** A string that doubles 40 times: LiquidJS's memory limit, or the heap limit, ends it. */
const GREEDY = '{% assign s = "xy" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}'

/** Runs the built CLI under time(1): exit status, output, wall time and peak RSS. */
function timedBin(args: string[], env: Record<string, string>) {
  const started = Date.now()
  const result = spawnSync('/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, BIN, ...args], {
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1', ...env},
    input: '',
    timeout: 120_000,
  })
  const rss = /maxrss_kb=(\d+)/.exec(result.stderr)
  return {
    status: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    seconds: (Date.now() - started) / 1000,
    rssMb: rss ? Number(rss[1]) / 1024 : NaN,
  }
}

/** A template that renders `source` into a file: always (`always`), or only when answered `trap=true`. */
async function trapTemplate(name: string, source: string, always: boolean): Promise<string> {
  const dir = await writeTemplate(tempDir(), {
    name,
    files: {[always ? 'files/trap.txt' : 'files/{% if trap %}trap.txt{% endif %}']: source},
  })
  if (!always) {
    const path = join(dir, 'manifest.yaml')
    const manifest = parse(readFileSync(path, 'utf8')) as {parameters: unknown[]}
    manifest.parameters.push({name: 'trap', type: 'boolean', description: 'spring the trap', default: false})
    const {writeFileSync} = await import('node:fs')
    writeFileSync(path, stringify(manifest))
  }
  return dir
}

describe('render limits on the CLI (built bin/run.js)', () => {
  const env = () => ({
    MAESTRO_HOME: tempDir('maestro-home-'),
    TEMPLATES_STORAGE_PATH: emptyCatalog(),
    RENDER_TIMEOUT_MS: '2000',
    RENDER_MAX_HEAP_MB: '128',
  })

  it('stops a looping template when it is created (scored), fast, with a clear error and bounded memory', async () => {
    const dir = await trapTemplate('loops-always', ENDLESS, true)
    const run = timedBin(['create', dir, '--json'], env())
    expect(run.status, run.stdout + run.stderr).toBe(1)
    expect(JSON.parse(run.stdout).error).toMatchObject({
      code: 'RENDER_LIMIT_EXCEEDED',
      data: {limit: 'time', timeoutMs: 2000},
    })
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(run.seconds).toBeLessThan(20)
    expect(run.rssMb).toBeLessThan(400)
    // Scoring a folder (the CI quality gate) is held to the same limit.
    const validated = timedBin(['validate', dir, '--json'], env())
    expect(validated.status, validated.stdout + validated.stderr).toBe(1)
    expect(JSON.parse(validated.stdout).error).toMatchObject({code: 'RENDER_LIMIT_EXCEEDED'})
    expect(validated.seconds).toBeLessThan(20)
  })

  it('stops a looping or greedy render when a project is instantiated, and says so without --json', async () => {
    const home = env()
    for (const [name, source, limit] of [
      ['loops-on-demand', ENDLESS, 'time'],
      ['greedy-on-demand', GREEDY, undefined],
    ] as const) {
      const dir = await trapTemplate(name, source, false)
      const created = timedBin(['create', dir, '--json'], home)
      expect(created.status, created.stdout + created.stderr).toBe(0)
      const run = timedBin(
        ['instantiate', name, join(tempDir(), 'out'), '--set', 'trap=true', '--defaults'],
        home,
      )
      expect(run.status, run.stdout + run.stderr).toBe(1)
      expect(run.stderr).toMatch(limit === 'time' ? /took longer than 2000 ms/ : /memory|limit/i)
      expect(run.stderr).not.toMatch(/\n\s+at /)
      expect(run.seconds, name).toBeLessThan(20)
      expect(run.rssMb, name).toBeLessThan(400)
    }
  })
})
