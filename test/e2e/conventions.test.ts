import {appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN, runBin} from '../helpers/command.js'
import {onPty} from '../helpers/pty.js'
import {exited, startDaemon} from '../helpers/daemon.js'

/**
 * The conventions a user of an oclif CLI expects (issue 21), through the built
 * `bin/run.js` against a fresh store that imports the bundled catalog on first use.
 */
/** An SGR sequence that sets a colour or weight (cursor movement and erasing are not colour). */
// eslint-disable-next-line no-control-regex -- the escape character is what is looked for
const COLOUR = /\x1b\[[\d;]*m/
const COLOUR_OFF: Record<string, string>[] = [{NO_COLOR: '1'}, {FORCE_COLOR: '0'}]

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

  it('instantiate --dry-run into a non-empty folder lists each file; --force names every file it overwrites', () => {
    const dest = join(work, 'existing')
    expect(cli('instantiate', 'fastapi-service', dest, '--defaults').status).toBe(0)
    appendFileSync(join(dest, 'README.md'), '\nMy own notes.\n')
    writeFileSync(join(dest, 'notes.txt'), "not the template's")
    const mine = readFileSync(join(dest, 'README.md'), 'utf8')

    const dry = cli('instantiate', 'fastapi-service', dest, '--defaults', '--dry-run')
    expect(dry.status, dry.stderr).toBe(0)
    expect(dry.stdout).toMatch(/^Would write 0 of \d+ files to .* \(\d+ unchanged, 1 conflicting\)$/m)
    expect(dry.stdout).toMatch(/^ {2}conflict {3}README\.md$/m)
    expect(dry.stdout).toMatch(/^ {2}unchanged {2}Dockerfile$/m)
    expect(dry.stdout).toContain('without --force the write is refused')
    const forcedDry = JSON.parse(
      cli('instantiate', 'fastapi-service', dest, '--defaults', '--dry-run', '--force', '--json').stdout,
    )
    const change = (path: string) =>
      (forcedDry.changes as {path: string; change: string}[]).find((c) => c.path === path)?.change
    expect(change('README.md')).toBe('overwritten')
    expect(change('Dockerfile')).toBe('unchanged')
    expect(forcedDry.changes.length).toBe(forcedDry.files.length)
    // A dry run writes nothing, and a new file of the template shows as new.
    expect(readFileSync(join(dest, 'README.md'), 'utf8')).toBe(mine)
    rmSync(join(dest, 'Makefile'))
    const withNew = JSON.parse(
      cli('instantiate', 'fastapi-service', dest, '--defaults', '--dry-run', '--json').stdout,
    )
    expect(withNew.changes).toContainEqual({path: 'Makefile', change: 'new'})
    expect(existsSync(join(dest, 'Makefile'))).toBe(false)

    // The real write: the changed file is replaced and named, the rest left alone.
    const forced = cli('instantiate', 'fastapi-service', dest, '--defaults', '--force')
    expect(forced.status, forced.stderr).toBe(0)
    expect(forced.stdout).toMatch(/\(1 new, 1 overwritten, \d+ unchanged\)/)
    expect(forced.stdout).toMatch(/^ {2}overwritten {2}README\.md$/m)
    expect(readFileSync(join(dest, 'README.md'), 'utf8')).not.toBe(mine)
    expect(readFileSync(join(dest, 'notes.txt'), 'utf8')).toBe("not the template's")
  })

  it('--tag t does not swallow the search words after it', () => {
    const run = cli('search', '--tag', 'python', 'fastapi', '--json')
    expect(run.status).toBe(0)
    const names = JSON.parse(run.stdout).items.map((i: {name: string}) => i.name)
    expect(names).toContain('fastapi-service')
    expect(names.length).toBeLessThan(5)
  })

  /** The CLI on a terminal, with the environment given on top of a colour-capable one. */
  function onTerminal(args: string[], extra: Record<string, string>, waitFor = '', keys = '\x03') {
    const {CI: _ci, NO_COLOR: _nc, FORCE_COLOR: _fc, ...base} = process.env
    return onPty(
      [process.execPath, BIN, ...args],
      {...base, MAESTRO_HOME: env.MAESTRO_HOME!, TERM: 'xterm-256color', ...extra},
      waitFor ? [{waitFor, keys}] : [],
    )
  }

  it('NO_COLOR and FORCE_COLOR=0 turn colour off in reports and prompts', () => {
    const template = join('templates_storage', 'backend_developer', 'fastapi-service')
    const coloured = onTerminal(['validate', template], {})
    expect(coloured.output).toMatch(COLOUR)
    for (const off of COLOUR_OFF) {
      const report = onTerminal(['validate', template], off)
      expect(report.output).toContain('fastapi-service')
      expect(report.output, JSON.stringify(off)).not.toMatch(COLOUR)
    }
    const dest = join(work, 'prompted')
    const prompt = onTerminal(['instantiate', 'fastapi-service', dest], {}, 'project_name')
    expect(prompt.output).toMatch(COLOUR)
    for (const off of COLOUR_OFF) {
      const plain = onTerminal(['instantiate', 'fastapi-service', dest], off, 'project_name')
      expect(plain.output).toContain('project_name')
      expect(plain.output, JSON.stringify(off)).not.toMatch(COLOUR)
    }
  }, 120_000)

  it('text prompts edit as a shell does, and show a pattern_hint instead of the regex', () => {
    const dir = join(work, 'hinted')
    expect(cli('create', '--scaffold', 'hinted', '--category', 'backend_developer', dir).status).toBe(0)
    expect(readFileSync(join(dir, 'manifest.yaml'), 'utf8')).toContain('pattern_hint:')
    expect(cli('create', dir).status).toBe(0)
    const hint = 'lowercase letters, digits and dashes, starting with a letter'
    const dest = join(work, 'hinted-project')
    const {CI: _ci, ...base} = process.env
    const run = onPty(
      [process.execPath, BIN, 'instantiate', 'hinted', dest],
      {...base, NO_COLOR: '1', MAESTRO_HOME: env.MAESTRO_HOME!, TERM: 'xterm-256color'},
      [
        {waitFor: 'project_name', keys: 'Bad Name\r'},
        // The message goes as soon as the text changes.
        {waitFor: hint, keys: 'x'},
        {waitFor: 'Bad Namex', keys: '\x15'},
        {waitFor: '', keys: 'billing api'},
        {waitFor: 'billing api', keys: '\x17'},
        // Three Backspaces in one read, as a held key sends them.
        {waitFor: '', keys: '\x7f\x7f\x7f'},
        {waitFor: '', keys: 'ng-svc\r'},
        {waitFor: 'description', keys: '\r'},
        {waitFor: 'LICENSE', keys: '\r'},
      ],
    )
    expect(run.status, run.output).toBe(0)
    expect(run.output).toContain(hint)
    expect(run.output).not.toContain('^[a-z]')
    expect(run.output.slice(run.output.indexOf('Bad Namex'))).not.toContain(hint)
    expect(run.output).toContain('✔ project_name billing-svc')
    expect(readFileSync(join(dest, '.maestro-answers.yaml'), 'utf8')).toMatch(/project_name: billing-svc/)

    // Without a terminal, the same hint in the error.
    const scripted = cli(
      'instantiate',
      'hinted',
      join(work, 'hinted-2'),
      '--set',
      'project_name=Bad Name',
      '--defaults',
    )
    expect(scripted.status).toBe(1)
    // oclif wraps the message at the terminal's width.
    expect(scripted.stderr.replace(/\s*\n ›\s*/g, ' ')).toContain(`is not valid: ${hint}`)
    expect(scripted.stderr).not.toContain('^[a-z]')
  }, 120_000)

  it('-h is --help, and a topic describes itself rather than its first command', () => {
    const short = cli('search', '-h')
    expect(short.status).toBe(0)
    expect(short.stdout).toBe(cli('search', '--help').stdout)
    expect(cli('user', 'create', '-h').stdout).toContain('USAGE')
    const topics: Record<string, RegExp> = {
      tenant: /^Manage tenants/,
      user: /^Manage users/,
      db: /^Manage the index database/,
      token: /^Manage API tokens/,
    }
    for (const [topic, description] of Object.entries(topics)) {
      for (const argv of [[topic], ['help', topic], [topic, '-h']]) {
        const run = cli(...argv)
        expect(run.status, argv.join(' ')).toBe(0)
        expect(run.stdout, argv.join(' ')).toMatch(description)
        expect(run.stdout).toContain(`$ maestro-tpl ${topic} COMMAND`)
      }
    }
  })

  it('search shows the namespace when the results come from more than one', async () => {
    const daemon = await startDaemon({MAESTRO_HOME: join(work, 'daemon-store'), ENABLE_RBAC: 'false'})
    try {
      const mirrored = cli('sync', '--from-remote', daemon.url, '--query', 'fastapi', '--json')
      expect(mirrored.status, mirrored.stdout + mirrored.stderr).toBe(0)
    } finally {
      daemon.child.kill('SIGTERM')
      await exited(daemon.child)
    }
    const mixed = cli('search', 'fastapi')
    expect(mixed.status).toBe(0)
    const [header, ...rows] = mixed.stdout.split('\n')
    expect(header).toMatch(/^NAMESPACE\s+NAME\s+VERSION/)
    expect(rows.some((r) => /^public\s+fastapi-service\s/.test(r))).toBe(true)
    expect(rows.some((r) => /^mirror-127-0-0-1-\d+\s+fastapi-service\s/.test(r))).toBe(true)
    // One namespace: the column would say the same thing on every row.
    const single = cli('search', 'react')
    expect(single.stdout).toMatch(/^NAME\s+VERSION/)
    expect(JSON.parse(cli('search', 'fastapi', '--json').stdout).items[0]).toHaveProperty('namespace')
  }, 120_000)

  it('delete asks on a terminal, and needs --yes without one', () => {
    const dir = join(work, 'doomed')
    expect(cli('create', '--scaffold', 'doomed', '--category', 'backend_developer', dir).status).toBe(0)
    expect(cli('create', dir).status).toBe(0)

    const scripted = cli('delete', 'doomed')
    expect(scripted.status).toBe(2)
    expect(scripted.stderr).toContain('pass --yes')
    const json = cli('delete', 'doomed', '--json')
    expect(json.status).toBe(2)
    expect(JSON.parse(json.stdout).error.code).toBe('USAGE_ERROR')
    expect(cli('get', 'doomed').status).toBe(0)

    const declined = onTerminal(['delete', 'doomed'], {NO_COLOR: '1'}, 'Delete', 'n')
    expect(declined.output).toMatch(/Delete local\/doomed@0\.1\.0\?/)
    expect(declined.status, declined.output).toBe(1)
    expect(declined.output).toContain('not deleted')
    expect(cli('get', 'doomed').status).toBe(0)

    const confirmed = onTerminal(['delete', 'doomed'], {NO_COLOR: '1'}, 'Delete', 'y')
    expect(confirmed.status, confirmed.output).toBe(0)
    expect(confirmed.output).toContain('Deleted local/doomed')
    expect(cli('get', 'doomed').status).toBe(1)

    expect(cli('create', dir).status).toBe(0)
    expect(cli('delete', 'doomed', '-y').status).toBe(0)
    expect(cli('get', 'doomed').status).toBe(1)

    // Back from git history: one new commit, found at once.
    const restored = cli('restore', 'doomed')
    expect(restored.status, restored.stderr).toBe(0)
    expect(restored.stdout).toMatch(
      /^Restored local\/doomed@0\.1\.0 from [0-9a-f]{12} \(commit [0-9a-f]{12}\)$/m,
    )
    expect(cli('get', 'doomed').status).toBe(0)
    const again = cli('restore', 'doomed', '--json')
    expect(again.status).toBe(1)
    expect(JSON.parse(again.stdout).error.code).toBe('ALREADY_EXISTS')
    const unknown = cli('restore', 'never-was')
    expect(unknown.status).toBe(1)
    expect(unknown.stderr).toContain('not found')
  }, 120_000)

  it('restore --remote brings a template deleted on a daemon back', async () => {
    const daemon = await startDaemon({MAESTRO_HOME: join(work, 'restore-daemon'), ENABLE_RBAC: 'false'})
    try {
      const remote = ['--remote', daemon.url]
      const dir = join(work, 'remote-doomed')
      expect(
        cli('create', '--scaffold', 'remote-doomed', '--category', 'backend_developer', dir).status,
      ).toBe(0)
      expect(cli('create', dir, ...remote).status).toBe(0)
      expect(cli('delete', 'remote-doomed', '--yes', ...remote).status).toBe(0)
      expect(cli('get', 'remote-doomed', ...remote).status).toBe(1)
      const restored = cli('restore', 'remote-doomed@0.1.0', '--json', ...remote)
      expect(restored.status, restored.stdout + restored.stderr).toBe(0)
      expect(JSON.parse(restored.stdout)).toMatchObject({
        status: 'created',
        template: {name: 'remote-doomed', version: '0.1.0'},
        restored_from: {version: '0.1.0'},
      })
      expect(cli('get', 'remote-doomed', ...remote).status).toBe(0)
    } finally {
      daemon.child.kill('SIGTERM')
      await exited(daemon.child)
    }
  }, 120_000)
})
