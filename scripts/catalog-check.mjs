#!/usr/bin/env node
/**
 * `npm run catalog:check [-- NAME...]`: instantiates every bundled template (or the named
 * ones) with its defaults and each example through the built CLI, runs the checker for each
 * kind of file it writes (test/catalog/generated-projects.ts, run in shards), and prints a table:
 * template, files written, checks run, result. Exits non-zero when a check fails.
 *
 * The checks themselves are a vitest suite, so `npm test` (CI) runs them over the whole
 * catalog; this script only chooses the templates and prints the table.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const names = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const work = mkdtempSync(join(tmpdir(), 'maestro-catalog-report-'))
const report = join(work, 'report.jsonl')

const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--project', 'catalog-projects', 'test/catalog/generated-projects-'],
  {
    stdio: 'inherit',
    env: {...process.env, MAESTRO_CATALOG_ONLY: names.join(','), MAESTRO_CATALOG_REPORT: report},
  },
)

const rows = existsSync(report)
  ? readFileSync(report, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : []
rmSync(work, {recursive: true, force: true})

/** One line per template: the largest variant's file count, every check any variant ran. */
const byTemplate = new Map()
for (const row of rows) {
  const t = byTemplate.get(row.template) ?? {variants: 0, files: 0, ran: new Set(), failed: []}
  t.variants++
  t.files = Math.max(t.files, row.files)
  for (const check of row.ran)
    if (!check.startsWith('same files as')) t.ran.add(check.replace(/ \(\d+.*\)$/, ''))
  for (const check of row.failed) t.failed.push(`${row.variant}: ${check}`)
  byTemplate.set(row.template, t)
}

const table = [['template', 'variants', 'files', 'checks run', 'result']]
for (const [name, t] of [...byTemplate].sort(([a], [b]) => a.localeCompare(b))) {
  table.push([
    name,
    String(t.variants),
    String(t.files),
    [...t.ran].join(', '),
    t.failed.length === 0 ? 'pass' : `FAIL (${t.failed.join('; ')})`,
  ])
}
const widths = table[0].map((_, i) => Math.min(i === 3 ? 90 : 60, Math.max(...table.map((r) => r[i].length))))
const line = (r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')
console.log(`\n${line(table[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
for (const r of table.slice(1)) console.log(line(r))
const failed = [...byTemplate.values()].filter((t) => t.failed.length > 0).length
console.log(`\n${byTemplate.size} templates checked, ${failed} failed`)
if (vitest.status !== 0)
  console.log('the suite failed (see its output above): catalog-wide rules or a template that did not load')
process.exit(vitest.status === 0 && failed === 0 ? 0 : 1)
