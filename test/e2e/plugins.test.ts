/**
 * @oclif/plugin-not-found and @oclif/plugin-autocomplete, bundled into the CLI
 * (scripts/bundle.mjs), through the built `bin/run.js` and through the `bin/run.js` of the
 * tarball `npm pack` makes (what a user installs), so a file the package leaves out or
 * a hook package.json names wrongly fails here.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BIN} from '../helpers/command.js'
import {onPty} from '../helpers/pty.js'

const ROOT = join(import.meta.dirname, '..', '..')

let work: string
let packedBin: string

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'maestro-plugins-'))
  // The tarball as published (the build ran before the suite; no scripts run again), unpacked
  // beside the repository's dependencies, as `npm install -g ./maestro-tpl-*.tgz` lays it out.
  const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!
  execFileSync('tar', ['-xzf', join(work, tarball), '-C', work])
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'package', 'node_modules'))
  packedBin = join(work, 'package', 'bin', 'run.js')
}, 120_000)

afterAll(() => rmSync(work, {recursive: true, force: true}))

/** No terminal, CI or not, own cache folder (autocomplete writes there). */
function run(bin: string, args: string[], extra: Record<string, string> = {}) {
  const {CI: _ci, ...base} = process.env
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: {
      ...base,
      NO_COLOR: '1',
      MAESTRO_HOME: join(work, 'store'),
      XDG_CACHE_HOME: join(work, 'cache'),
      ...extra,
    },
    input: '',
    timeout: 60_000,
  })
  return {stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1}
}

for (const [where, bin] of [
  ['built bin/run.js', () => BIN],
  ['packed tarball', () => packedBin],
] as const) {
  describe(`a misspelt command or flag (${where})`, () => {
    it('names the closest command and exits 127 without a prompt when nobody can answer', () => {
      for (const extra of [{}, {CI: 'true'}] as Record<string, string>[]) {
        const typo = run(bin(), ['serch', 'api'], extra)
        expect(typo.status).toBe(127)
        expect(typo.stderr).toContain('serch is not a maestro-tpl command. Did you mean search?')
        expect(typo.stdout).toBe('')
      }
      const topic = run(bin(), ['tenant', 'lst'])
      expect(topic.status).toBe(127)
      expect(topic.stderr).toContain('Did you mean tenant list?')
      const nothingClose = run(bin(), ['xyzzy'])
      expect(nothingClose.status).toBe(127)
      expect(nothingClose.stderr).toContain('xyzzy is not a maestro-tpl command')
      expect(nothingClose.stderr).not.toContain('Did you mean')
    })

    it('keeps the --json error contract for an unknown command', () => {
      const typo = run(bin(), ['serch', '--json'])
      expect(typo.status).toBe(127)
      expect(JSON.parse(typo.stdout)).toMatchObject({
        error: {code: 'COMMAND_NOT_FOUND', data: {suggestion: 'search'}},
      })
    })

    it('names the closest flag, exit 2, in text and --json', () => {
      const text = run(bin(), ['search', '--limt', '3'])
      expect(text.status).toBe(2)
      expect(text.stderr).toContain('unknown flag --limt. Did you mean --limit?')
      const json = run(bin(), ['search', '--limt', '3', '--json'])
      expect(json.status).toBe(2)
      expect(JSON.parse(json.stdout)).toMatchObject({
        error: {code: 'USAGE_ERROR', data: {suggestion: '--limit'}},
      })
    })
  })

  describe(`shell completion (${where})`, () => {
    it('writes a bash completion that bash accepts and that completes commands, subcommands and flags', () => {
      const setup = run(bin(), ['autocomplete', 'bash'])
      expect(setup.status, setup.stderr).toBe(0)
      expect(setup.stdout).toContain('maestro-tpl autocomplete script bash')
      const script = run(bin(), ['autocomplete', 'script', 'bash'])
      expect(script.status).toBe(0)
      const file = join(work, 'completion.bash')
      writeFileSync(file, script.stdout)
      // The line users add to ~/.bashrc, and the function file it sources.
      expect(spawnSync('bash', ['-n', file]).status).toBe(0)
      const functions = join(
        work,
        'cache',
        'maestro-tpl',
        'autocomplete',
        'functions',
        'bash',
        'maestro-tpl.bash',
      )
      expect(spawnSync('bash', ['-n', functions]).status).toBe(0)
      const complete = (words: string[]) => {
        const shell = spawnSync(
          'bash',
          [
            '-c',
            `source ${file}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}\n` +
              '_maestro-tpl_autocomplete; printf "%s\\n" "${COMPREPLY[@]}"',
          ],
          {encoding: 'utf8'},
        )
        expect(shell.status, shell.stderr).toBe(0)
        return shell.stdout.split('\n').filter(Boolean)
      }
      expect(complete(['maestro-tpl', 'sea'])).toEqual(['search'])
      expect(complete(['maestro-tpl', 'tenant', ''])).toEqual(['create', 'list'])
      expect(complete(['maestro-tpl', 'search', '--li'])).toEqual(['--limit'])
    })

    it('writes a zsh completion that zsh accepts, listing every command', () => {
      expect(run(bin(), ['autocomplete', 'zsh']).status).toBe(0)
      const functions = join(work, 'cache', 'maestro-tpl', 'autocomplete', 'functions', 'zsh', '_maestro-tpl')
      const check = spawnSync('zsh', ['-n', functions], {encoding: 'utf8'})
      expect(check.status, check.stderr).toBe(0)
      const text = readFileSync(functions, 'utf8')
      expect(text).toMatch(/^#compdef maestro-tpl/)
      const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {
        commands: Record<string, {hidden?: boolean}>
      }
      for (const [id, command] of Object.entries(manifest.commands)) {
        if (!command.hidden && !id.includes(':')) expect(text, id).toContain(`"${id}[`)
      }
    })
  })
}

describe('a misspelt command at a terminal', () => {
  /** On a pseudo-terminal, not CI: @oclif/plugin-not-found's own prompt. */
  function typed(keys: string) {
    const {CI: _ci, ...base} = process.env
    mkdirSync(join(work, 'store'), {recursive: true})
    return onPty(
      [process.execPath, BIN, 'serch', '--limit', '1'],
      {...base, NO_COLOR: '1', MAESTRO_HOME: join(work, 'store'), TERM: 'xterm-256color'},
      [{waitFor: 'Did you mean', keys}],
    )
  }

  it('asks "Did you mean search?" and runs it on yes', () => {
    const yes = typed('y\r')
    expect(yes.output).toContain('Did you mean search?')
    expect(yes.status, yes.output).toBe(0)
    expect(yes.output).toMatch(/NAME\s+VERSION/)
  }, 120_000)

  it('exits 127 on no', () => {
    const no = typed('n\r')
    expect(no.output).toContain('Did you mean search?')
    expect(no.status, no.output).toBe(127)
  }, 120_000)
})
