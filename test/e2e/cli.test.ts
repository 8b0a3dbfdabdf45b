import {existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {runBin} from '../helpers/command.js'
import {git, writeTemplate} from '../helpers/temp.js'

/**
 * The built CLI, driven as a user would: `bin/run.js` in a child process with no
 * terminal, against a fresh store that imports the bundled catalog on first use.
 */
describe('maestro-tpl (built CLI, end to end)', () => {
  let work: string
  let env: Record<string, string>
  const cli = (...args: string[]) => runBin(args, env)
  const json = (...args: string[]) => {
    const run = cli(...args, '--json')
    try {
      return {...run, data: JSON.parse(run.stdout)}
    } catch {
      throw new Error(`not JSON (exit ${run.status}): ${run.stdout}\n${run.stderr}`)
    }
  }

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'maestro-e2e-'))
    env = {MAESTRO_HOME: join(work, 'store'), CI: 'true'}
  })
  afterAll(() => rmSync(work, {recursive: true, force: true}))

  it('imports the bundled catalog on first use and searches it', () => {
    // One page of 100 holds the whole bundled catalog today, spread over its categories.
    const {data, status} = json('search', '--limit', '100')
    expect(status).toBe(0)
    expect(data.total).toBeGreaterThanOrEqual(15)
    const categories = new Set(data.items.map((i: {category: string}) => i.category))
    expect(categories.size).toBeGreaterThanOrEqual(10)
    const table = cli('search', 'api')
    expect(table.status).toBe(0)
    expect(table.stdout).toMatch(/NAME\s+VERSION\s+CATEGORY\s+SCORE/)
  })

  it('shows a template with its parameters and files', () => {
    const {data} = json('search', '--limit', '1')
    const name = data.items[0].name
    const shown = cli('get', name, '--files')
    expect(shown.status).toBe(0)
    expect(shown.stdout).toContain(`public/${name}@`)
    expect(shown.stdout).toContain('manifest.yaml')
    const exported = cli('get', name, '--output', join(work, 'exported'))
    expect(exported.status).toBe(0)
    expect(existsSync(join(work, 'exported', 'manifest.yaml'))).toBe(true)
  })

  it('scaffolds, publishes, versions, instantiates and deletes a template', async () => {
    const dir = join(work, 'my-service')
    expect(cli('create', '--scaffold', 'my-service', '--category', 'backend_developer', dir).status).toBe(0)
    const created = json('create', dir)
    expect(created.status).toBe(0)
    expect(created.data).toMatchObject({status: 'created', template: {name: 'my-service', version: '0.1.0'}})

    await writeTemplate(dir, {
      name: 'my-service',
      version: '0.2.0',
      files: {'files/NOTES.md': 'notes for {{ project_name }}'},
    })
    expect(json('create', dir, '--message', 'add notes').data.status).toBe('updated')
    const versions = json('versions', 'my-service').data.versions
    expect(versions.map((v: {version: string}) => v.version)).toEqual(['0.2.0', '0.1.0'])
    expect(versions[0].message).toBe('add notes')

    const dest = join(work, 'out')
    const made = json('instantiate', 'my-service@0.2.0', dest, '--set', 'project_name=billing')
    expect(made.status).toBe(0)
    expect(readFileSync(join(dest, 'NOTES.md'), 'utf8')).toBe('notes for billing')
    const answers = parse(readFileSync(join(dest, '.maestro-answers.yaml'), 'utf8'))
    expect(answers).toMatchObject({
      template: 'my-service',
      version: '0.2.0',
      answers: {project_name: 'billing'},
    })

    const old = join(work, 'out-old')
    expect(cli('instantiate', 'my-service@0.1.0', old, '--defaults').status).toBe(0)
    expect(existsSync(join(old, 'NOTES.md'))).toBe(false)

    expect(cli('delete', 'my-service').status).toBe(2) // no terminal to confirm on
    expect(cli('delete', 'my-service', '--yes').status).toBe(0)
    expect(cli('get', 'my-service').status).toBe(1)
    const repo = join(env.MAESTRO_HOME!, 'git', 'local.git')
    git(repo, 'fsck', '--strict')
    expect(git(repo, 'log', '--format=%s')).toMatch(/delete my-service\nadd notes\ncreate my-service@0.1.0/)
  })

  it('refuses a non-empty destination unless forced, and a dry run writes nothing', () => {
    const name = 'docs-site' // every parameter has a default
    const dest = join(work, 'busy')
    mkdirSync(dest)
    writeFileSync(join(dest, 'keep.txt'), 'mine')
    const refused = cli('instantiate', name, dest, '--defaults')
    expect(refused.status).toBe(1)
    expect(refused.stderr).toContain('not empty')
    expect(readdirSync(dest)).toEqual(['keep.txt'])

    const dry = json('instantiate', name, join(work, 'dry'), '--defaults', '--dry-run')
    expect(dry.data.dryRun).toBe(true)
    expect(dry.data.files.length).toBeGreaterThan(0)
    expect(existsSync(join(work, 'dry'))).toBe(false)
  })

  it('fails with a message and exit code for bad input, never a stack trace', () => {
    const unknown = cli('get', 'no-such-template')
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toContain('not found')
    expect(unknown.stderr).not.toMatch(/\n\s+at /)

    const badRef = cli('get', 'Bad Name!')
    expect(badRef.status).toBe(2)

    const broken = join(work, 'broken')
    mkdirSync(broken)
    writeFileSync(join(broken, 'manifest.yaml'), 'name: broken\nversion: [1\n')
    const invalid = cli('create', broken)
    expect(invalid.status).toBe(1)
    expect(invalid.stderr).toMatch(/manifest\.yaml:\d+:\d+/)

    const errorJson = json('get', 'no-such-template')
    expect(errorJson.data.error.code).toBe('NOT_FOUND')
  })

  it('lists missing required answers when there is no terminal to ask on', () => {
    const dir = join(work, 'strict')
    expect(cli('create', '--scaffold', 'strict-answers', '--category', 'qa_engineer', dir).status).toBe(0)
    const manifest = join(dir, 'manifest.yaml')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/\n\s+default: my-project/, ''))
    const created = cli('create', dir)
    expect(created.status, created.stderr).toBe(0)
    const run = cli('instantiate', 'strict-answers', join(work, 'strict-out'))
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('missing required answers: project_name')
    expect(existsSync(join(work, 'strict-out'))).toBe(false)
  })

  it('rebuilds the index with reindex', () => {
    const before = json('search', '--limit', '100').data.total
    const run = json('reindex')
    expect(run.status).toBe(0)
    expect(json('search', '--limit', '100').data.total).toBe(before)
  })
})
