import {existsSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import Create from '../../../commands/create.js'
import Delete from '../../../commands/delete.js'
import Get from '../../../commands/get.js'
import Instantiate from '../../../commands/instantiate.js'
import QualityReport from '../../../commands/quality/report.js'
import Search from '../../../commands/search.js'
import Validate from '../../../commands/validate.js'
import Versions from '../../../commands/versions.js'
import {runCommand} from '../../helpers/command.js'
import {tempDir, writeTemplate} from '../../helpers/temp.js'
import {startTestServer} from '../server/support.js'

/**
 * Where the commands work: a local store, or a daemon on a fresh store driven with
 * --remote. The same suite runs both ways: a command must behave the same.
 */
const MODES = {
  local: async () => {
    process.env.TEMPLATES_STORAGE_PATH = tempDir('maestro-empty-')
    return ['--store', tempDir('maestro-store-')]
  },
  remote: async () => {
    const server = await startTestServer()
    return ['--remote', server.url]
  },
}

/** Commands run by class, in-process, against a fresh store with no catalog. */
describe.each(Object.entries(MODES))('commands (%s)', (_mode, open) => {
  const store = open

  it('create publishes a folder and search, get and versions show it', async () => {
    const s = await store()
    const dir = await writeTemplate(tempDir(), {name: 'orders-api'})
    const created = await runCommand(Create, [dir, ...s])
    expect(created.exitCode).toBe(0)
    expect(created.stdout).toContain('Published new template local/orders-api@0.1.0')

    const search = await runCommand(Search, ['orders', ...s, '--json'])
    expect(JSON.parse(search.stdout).items.map((i: {name: string}) => i.name)).toEqual(['orders-api'])
    expect(JSON.parse(search.stdout)).toMatchObject({total: 1, total_exact: true})
    const exact = await runCommand(Search, ['orders', '--exact-total', ...s, '--json'])
    expect(JSON.parse(exact.stdout)).toMatchObject({total: 1, total_exact: true})
    const table = await runCommand(Search, ['orders', ...s])
    expect(table.stdout).toMatch(/orders-api\s+0\.1\.0\s+backend_developer/)
    const sorted = await runCommand(Search, ['--sort', 'usage', ...s, '--json'])
    expect(JSON.parse(sorted.stdout).items.map((i: {name: string}) => i.name)).toEqual(['orders-api'])
    const badSort = await runCommand(Search, ['--sort', 'popularity', ...s])
    expect(badSort.exitCode).toBe(2)
    expect(badSort.error?.message).toMatch(/--sort=popularity.*relevance, name, usage, score, updated/s)

    const get = await runCommand(Get, ['orders-api', '--files', ...s])
    expect(get.stdout).toContain('local/orders-api@0.1.0')
    expect(get.stdout).toContain('files/README.md')

    const versions = await runCommand(Versions, ['orders-api', ...s, '--json'])
    expect(versions.result).toMatchObject({versions: [{version: '0.1.0'}]})
  })

  it('instantiate renders with --set, writes the answers file and honours when conditions', async () => {
    const s = await store()
    await runCommand(Create, [await writeTemplate(tempDir(), {name: 'orders-api'}), ...s])
    const dest = join(tempDir(), 'out')
    const run = await runCommand(Instantiate, [
      'orders-api',
      dest,
      '--set',
      'project_name=orders',
      '--set',
      'include_license=false',
      ...s,
    ])
    expect(run.exitCode, run.stderr).toBe(0)
    expect(readFileSync(join(dest, 'README.md'), 'utf8')).toContain('# orders')
    expect(existsSync(join(dest, 'LICENSE'))).toBe(false)
    expect(readFileSync(join(dest, '.maestro-answers.yaml'), 'utf8')).toContain('project_name: orders')
  })

  it('instantiate refuses a badly typed answer before writing anything', async () => {
    const s = await store()
    await runCommand(Create, [await writeTemplate(tempDir(), {name: 'orders-api'}), ...s])
    const dest = join(tempDir(), 'out')
    const run = await runCommand(Instantiate, ['orders-api', dest, '--set', 'include_license=maybe', ...s])
    expect(run.exitCode).toBe(1)
    expect(run.error?.message).toContain('include_license')
    expect(existsSync(dest)).toBe(false)
  })

  it('validate exits 0 for a good template, 1 below the minimum, 2 without targets', async () => {
    const good = await writeTemplate(tempDir(), {name: 'good-one'})
    const ok = await runCommand(Validate, [good])
    expect(ok.exitCode).toBe(0)
    const strict = await runCommand(Validate, [good, '--min-score', '100', '--json'])
    expect(strict.exitCode).toBe(1)
    expect(JSON.parse(strict.stdout)).toMatchObject({passed: false, minScore: 100})
    const none = await runCommand(Validate, [])
    expect(none.exitCode).toBe(2)
  })

  it('validate --format junit prints JUnit XML for CI', async () => {
    const run = await runCommand(Validate, [await writeTemplate(tempDir()), '--format', 'junit'])
    expect(run.stdout).toMatch(/^<\?xml/)
    expect(run.stdout).toContain('<testcase')
  })

  it('delete removes a template and quality report summarises the rest', async () => {
    const s = await store()
    await runCommand(Create, [await writeTemplate(tempDir(), {name: 'keep-me'}), ...s])
    await runCommand(Create, [await writeTemplate(tempDir(), {name: 'drop-me'}), ...s])
    expect((await runCommand(Delete, ['drop-me', '--yes', ...s])).exitCode).toBe(0)
    expect((await runCommand(Get, ['drop-me', ...s])).exitCode).toBe(1)
    const report = await runCommand(QualityReport, [...s, '--json'])
    expect(JSON.parse(report.stdout)).toMatchObject({totals: {templates: 1, failing: 0}})
  })
})

describe.each(Object.entries(MODES))('create with the quality gate (%s)', (_mode, store) => {
  it('refuses a template below the minimum, prints the report and publishes nothing', async () => {
    const s = await store()
    const dir = await writeTemplate(tempDir(), {name: 'thin-docs', files: {'README.md': '# thin\n'}})
    rmSync(join(dir, 'examples'), {recursive: true})
    const run = await runCommand(Create, [dir, ...s])
    expect(run.exitCode).toBe(1)
    expect(run.error?.message).toMatch(/thin-docs scored \d+, below the minimum of 70/)
    expect(run.stderr).toMatch(/Documentation\s+8\/30\s+fail/)
    expect((await runCommand(Get, ['thin-docs', ...s])).exitCode).toBe(1)
  })
})

describe('validate input errors', () => {
  it('says a missing folder is missing (exit 2), not a bad reference', async () => {
    const run = await runCommand(Validate, ['./no-such-template-folder'])
    expect(run.exitCode).toBe(2)
    expect(run.error?.message).toBe('no template folder at ./no-such-template-folder')
  })
})
