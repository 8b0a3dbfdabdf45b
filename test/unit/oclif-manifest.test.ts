import {execFileSync} from 'node:child_process'
import {readFileSync, readdirSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Commands that are not files in commands/: `help` is @oclif/plugin-help's, `autocomplete`
 * @oclif/plugin-autocomplete's, bundled in.
 */
const BUNDLED_PLUGIN_COMMANDS = ['help', 'autocomplete', 'autocomplete:create', 'autocomplete:script']

describe('oclif.manifest.json', () => {
  it("lists every command in commands/, and the bundled plugins' commands", () => {
    const manifest = JSON.parse(readFileSync(`${ROOT}/oclif.manifest.json`, 'utf8'))
    const ids = readdirSync(`${ROOT}/commands`, {recursive: true, encoding: 'utf8'})
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.replace(/\.ts$/, '').split('/').join(':'))
    expect(Object.keys(manifest.commands).sort()).toEqual([...ids, ...BUNDLED_PLUGIN_COMMANDS].sort())
  })

  it('is committed as the build regenerates it (a stale one makes oclif load stale commands)', () => {
    // `npm test` builds first, which regenerates the manifest: any difference from
    // the committed file means someone forgot to commit it.
    const diff = execFileSync('git', ['diff', '--stat', '--', 'oclif.manifest.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    expect(diff, 'run `npm run build` and commit oclif.manifest.json').toBe('')
  })
})
