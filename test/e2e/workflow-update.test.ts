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
const CI_DIR = join(process.cwd(), 'templates_storage/devops_engineer/github-actions-ci')
const CI_LINE = '- [ ] The threat model still holds.'
const ADDED_LINE = 'Review this threat model whenever a trust boundary moves.'

interface Entry {
  template: string
  version: string
  commit: string
  step: string
  path?: string
  namespace?: string
  moves?: {step: string; action: string; from?: string; to?: string; path?: string}[]
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

  it("follows the workflow's file steps: a file the workflow moved is updated where it is now", () => {
    const dir = join(work, 'moved')
    const ran = cli('workflow', 'run', 'python-service', dir, '--set', 'service_name=moved-api', '--defaults')
    expect(ran.status, ran.stderr).toBe(0)
    const before = entries(dir)
    const move = {step: 'workflows_dir', action: 'move', from: 'ci/.github', to: '.github'}
    // Recorded for the template steps made before the move, not for those after it.
    expect(before.find((e) => e.step === 'ci')).toMatchObject({namespace: 'public', moves: [move]})
    expect(before.find((e) => e.step === 'service')!.moves).toEqual([move])
    expect(before.find((e) => e.step === 'adrs')!.moves).toBeUndefined()
    expect(existsSync(join(dir, 'ci/.github'))).toBe(false)
    const template = join(dir, '.github/pull_request_template.md')
    const dependabot = join(dir, '.github/dependabot.yml')
    const mine = '# edited in the project\n'
    writeFileSync(dependabot, mine + readFileSync(dependabot, 'utf8'))

    const next = join(work, 'github-actions-ci-1.0.1')
    cpSync(CI_DIR, next, {recursive: true})
    const manifest = join(next, 'manifest.yaml')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^version: 1\.0\.0$/m, 'version: 1.0.1'))
    const file = join(next, 'files/.github/pull_request_template.md')
    writeFileSync(file, `${readFileSync(file, 'utf8')}${CI_LINE}\n`)
    const published = cli('create', next, '--namespace', 'public')
    expect(published.status, published.stderr).toBe(0)

    // The workflow committed the project; the edit above is not committed, hence --force.
    const updated = cli('update', dir, '--json', '--force')
    expect(updated.status, updated.stdout + updated.stderr).toBe(0)
    const report = JSON.parse(updated.stdout) as {files: {path: string; fate: string}[]}
    expect(report.files.find((f) => f.path === '.github/pull_request_template.md')?.fate).toBe('updated')
    expect(report.files.filter((f) => f.path.startsWith('ci/.github'))).toEqual([])
    expect(readFileSync(template, 'utf8')).toContain(CI_LINE)
    // The user's edit of a moved file is kept, and nothing comes back at the old place.
    expect(readFileSync(dependabot, 'utf8').startsWith(mine)).toBe(true)
    expect(existsSync(join(dir, 'ci/.github'))).toBe(false)
    expect(entries(dir).find((e) => e.step === 'ci')).toMatchObject({version: '1.0.1', moves: [move]})
  })
})
