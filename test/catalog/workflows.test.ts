/**
 * Every bundled workflow (workflows_storage/), run through the built CLI as a user does
 * (`workflow run NAME DEST --defaults`), and its result checked with the catalog's own
 * checkers (project-checks.ts): each template step's folder must pass the checks that
 * template's projects pass on their own, now that the workflow has composed, moved and
 * merged around it.
 */
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, runBin} from '../helpers/command.js'
import {wasmTools} from './kinds.js'
import {checkProject} from './project-checks.js'
import type {Finding} from './tools.js'

const WORKFLOWS = new URL('../../workflows_storage', import.meta.url).pathname

/** `MAESTRO_CATALOG_WORKFLOWS=a,b` checks only those workflows. */
const ONLY = new Set((process.env.MAESTRO_CATALOG_WORKFLOWS ?? '').split(',').filter(Boolean))

interface StepRecord {
  id: string
  uses: string
  state: string
  outputs: {template?: string; path?: string} | null
}

function report(findings: Finding[]): string {
  return findings.map((f) => `--- ${f.check}\n${f.output.trim()}`).join('\n\n')
}

describe('bundled workflows: results pass the checks of the templates they used', () => {
  let work: string
  let store: string

  beforeAll(async () => {
    await wasmTools()
    if (!existsSync(BIN)) throw new Error('the built CLI is missing: run `npm run build` first')
    work = mkdtempSync(join(tmpdir(), 'maestro-catalog-wf-'))
    store = join(work, 'store')
  })

  afterAll(() => {
    if (work) rmSync(work, {recursive: true, force: true})
  })

  const names = readdirSync(WORKFLOWS)
    .filter((name) => existsSync(join(WORKFLOWS, name, 'workflow.yaml')))
    .filter((name) => ONLY.size === 0 || ONLY.has(name))
    .sort()

  it.each(names)(
    '%s with its defaults',
    async (name) => {
      const dest = join(work, name)
      const made = runBin(['workflow', 'run', name, dest, '--defaults', '--json'], {MAESTRO_HOME: store})
      expect(made.status, `workflow run ${name}\n${made.stdout}${made.stderr}`).toBe(0)
      const record = JSON.parse(made.stdout) as {state: string; steps: StepRecord[]}
      expect(record.state).toBe('succeeded')
      const used = record.steps.filter((s) => s.uses === 'template' && s.state === 'succeeded')
      expect(used.length, `${name} uses templates`).toBeGreaterThan(0)
      const findings: Finding[] = []
      let ran = 0
      for (const step of used) {
        const template = step.outputs!.template!
        const path = step.outputs!.path!
        // A step whose folder a later file step moved away (python-service moves the CI
        // template's .github/ to the root) is checked where its files went: the result.
        const folder = path === '.' || !existsSync(join(dest, path)) ? dest : join(dest, path)
        const checked = await checkProject(template, folder)
        ran += checked.ran.length
        findings.push(...checked.findings.map((f) => ({...f, check: `${step.id} (${template}): ${f.check}`})))
      }
      expect(ran, 'checks ran').toBeGreaterThan(0)
      expect(findings, report(findings)).toEqual([])
    },
    1_800_000,
  )
})
