import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {runBin} from '../helpers/command.js'

/**
 * The conventions a user of an oclif CLI expects (issue 21), through the built
 * `bin/run.js` against a fresh store that imports the bundled catalog on first use.
 */
describe('maestro-tpl CLI conventions (built CLI)', () => {
  let work: string
  let env: Record<string, string>
  const cli = (...args: string[]) => runBin(args, env)

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'maestro-conv-'))
    env = {MAESTRO_HOME: join(work, 'store'), CI: 'true'}
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))

  it('--set k=v does not swallow the positional argument after it', () => {
    const dest = join(work, 'billing')
    const run = cli('instantiate', 'fastapi-service', '--set', 'project_name=billing', dest, '--defaults')
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const answers = readFileSync(join(dest, '.maestro-answers.yaml'), 'utf8')
    expect(answers).toMatch(/project_name: billing/)
    // Repeated --set, each followed by its value only, then the destination.
    const second = join(work, 'billing-2')
    const two = cli(
      'instantiate',
      'fastapi-service',
      '-s',
      'project_name=b2',
      '-s',
      'port=9001',
      second,
      '--json',
    )
    expect(two.status).toBe(0)
    expect(JSON.parse(two.stdout).answers).toMatchObject({project_name: 'b2', port: 9001})
    expect(existsSync(join(second, '.maestro-answers.yaml'))).toBe(true)
  })

  it('--tag t does not swallow the search words after it', () => {
    const run = cli('search', '--tag', 'python', 'fastapi', '--json')
    expect(run.status).toBe(0)
    const names = JSON.parse(run.stdout).items.map((i: {name: string}) => i.name)
    expect(names).toContain('fastapi-service')
    expect(names.length).toBeLessThan(5)
  })
})
