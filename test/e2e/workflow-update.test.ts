import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {runBin} from '../helpers/command.js'

/**
 * A project a workflow made, kept up to date: `workflow run` writes one root
 * `.maestro-answers.yaml` (an entry per template step), and `update` brings the part one
 * template made up to its newer version, in that template's sub-folder, through the
 * built bin/run.js.
 */
const TEMPLATE_DIR = join(process.cwd(), 'templates_storage/security_specialist/threat-model')
const ADDED_LINE = 'Review this threat model whenever a trust boundary moves.'

interface Entry {
  template: string
  version: string
  commit: string
  step: string
  path?: string
  answers: Record<string, unknown>
}

describe('updating a project a workflow made (built CLI)', () => {
  let work: string
  let env: Record<string, string>
  const cli = (...args: string[]) => runBin(args, env)
  const entries = (dir: string): Entry[] =>
    (parse(readFileSync(join(dir, '.maestro-answers.yaml'), 'utf8')) as {templates: Entry[]}).templates

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'maestro-wf-update-e2e-'))
    env = {MAESTRO_HOME: join(work, 'home'), CI: 'true'}
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))

  it('records every template step at the root and updates the one that moved', () => {
    const dir = join(work, 'billing')
    const ran = cli(
      'workflow',
      'run',
      'python-service',
      dir,
      '--set',
      'service_name=billing-api',
      '--defaults',
    )
    expect(ran.status, ran.stderr).toBe(0)

    const before = entries(dir)
    expect(before.map((e) => e.step)).toEqual(['service', 'ci', 'threat_model', 'adrs', 'contract_tests'])
    expect(before.find((e) => e.step === 'service')!.path).toBeUndefined()
    const threat = before.find((e) => e.step === 'threat_model')!
    expect(threat).toMatchObject({template: 'threat-model', version: '1.0.0', path: 'docs/security'})
    expect(threat.answers).toMatchObject({system_name: 'billing-api'})
    // No per-step answers file inside the sub-folders.
    for (const e of before)
      if (e.path !== undefined)
        expect(existsSync(join(dir, e.path, '.maestro-answers.yaml')), e.path).toBe(false)
    const readme = join(dir, 'docs/security/README.md')
    expect(readFileSync(readme, 'utf8')).not.toContain(ADDED_LINE)

    // Up to date until a newer threat-model is published.
    const fresh = cli('check', dir)
    expect(fresh.status, fresh.stdout + fresh.stderr).toBe(0)

    const next = join(work, 'threat-model-1.0.1')
    cpSync(TEMPLATE_DIR, next, {recursive: true})
    const manifest = join(next, 'manifest.yaml')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^version: 1\.0\.0$/m, 'version: 1.0.1'))
    const file = join(next, 'files/README.md')
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n${ADDED_LINE}\n`)
    const published = cli('create', next, '--namespace', 'public')
    expect(published.status, published.stderr).toBe(0)

    const outdated = cli('check', dir)
    expect(outdated.status, outdated.stdout + outdated.stderr).toBe(2)
    expect(outdated.stdout).toContain('1.0.1')

    const updated = cli('update', dir)
    expect(updated.status, updated.stdout + updated.stderr).toBe(0)
    expect(readFileSync(readme, 'utf8')).toContain(ADDED_LINE)
    expect(existsSync(join(dir, 'README.md')) && readFileSync(join(dir, 'README.md'), 'utf8')).not.toContain(
      ADDED_LINE,
    )
    expect(existsSync(join(dir, 'docs/security/.maestro-answers.yaml'))).toBe(false)

    const after = entries(dir)
    expect(after.map((e) => e.step)).toEqual(before.map((e) => e.step))
    for (const [i, e] of after.entries()) {
      if (e.step === 'threat_model') {
        expect(e).toMatchObject({template: 'threat-model', version: '1.0.1', path: 'docs/security'})
        expect(e.commit).not.toBe(threat.commit)
        expect(e.answers).toEqual(threat.answers)
      } else {
        expect(e, e.step).toEqual(before[i])
      }
    }

    const current = cli('check', dir)
    expect(current.status, current.stdout + current.stderr).toBe(0)
  })
})
